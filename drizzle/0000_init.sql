CREATE TABLE `workspaces` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`platform` enum('feishu','wecom') NOT NULL,
	`external_id` varchar(128) NOT NULL,
	`name` varchar(200),
	`locale` enum('zh-CN','en'),
	`time_zone` varchar(64),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `workspaces_id` PRIMARY KEY(`id`),
	CONSTRAINT `workspaces_platform_external_uq` UNIQUE(`platform`,`external_id`)
);
--> statement-breakpoint
CREATE TABLE `teams` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`team_key` varchar(64) NOT NULL,
	`name` varchar(100) NOT NULL,
	`digest_chat_id` varchar(128),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `teams_id` PRIMARY KEY(`id`),
	CONSTRAINT `teams_workspace_key_uq` UNIQUE(`workspace_id`,`team_key`)
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`platform_user_id` varchar(128) NOT NULL,
	`name` varchar(100),
	`role` enum('rep','manager','admin') NOT NULL DEFAULT 'rep',
	`team_id` bigint unsigned,
	`manager_user_id` bigint unsigned,
	`active` boolean NOT NULL DEFAULT true,
	`locale` enum('zh-CN','en'),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `users_id` PRIMARY KEY(`id`),
	CONSTRAINT `users_workspace_platform_uq` UNIQUE(`workspace_id`,`platform_user_id`)
);
--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned NOT NULL,
	`name` varchar(100) NOT NULL,
	`title` varchar(100),
	`phone` varchar(32),
	`email` varchar(200),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `contacts_id` PRIMARY KEY(`id`),
	CONSTRAINT `contacts_customer_name_uq` UNIQUE(`customer_id`,`name`)
);
--> statement-breakpoint
CREATE TABLE `customers` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`name` varchar(200) NOT NULL,
	`normalized_name` varchar(191) NOT NULL,
	`aliases` json NOT NULL DEFAULT ('[]'),
	`tier` enum('A','B','C'),
	`stage` enum('lead','qualified','proposal','quote','negotiation','won','lost') NOT NULL DEFAULT 'lead',
	`tags` json NOT NULL DEFAULT ('[]'),
	`amount` decimal(16,2),
	`currency` char(3) NOT NULL DEFAULT 'CNY',
	`owner_user_id` bigint unsigned,
	`team_id` bigint unsigned,
	`last_follow_up_at` datetime(3),
	`next_follow_up_at` datetime(3),
	`pooled_at` datetime(3),
	`phone` varchar(32),
	`email` varchar(200),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `customers_id` PRIMARY KEY(`id`),
	CONSTRAINT `customers_workspace_name_uq` UNIQUE(`workspace_id`,`normalized_name`)
);
--> statement-breakpoint
CREATE TABLE `follow_ups` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned,
	`contact_id` bigint unsigned,
	`author_user_id` bigint unsigned NOT NULL,
	`raw_text` text NOT NULL,
	`parsed` json NOT NULL,
	`channel` enum('call','wechat','visit','email','meeting','other'),
	`stage` enum('lead','qualified','proposal','quote','negotiation','won','lost'),
	`amount` decimal(16,2),
	`currency` char(3) NOT NULL DEFAULT 'CNY',
	`next_follow_up_at` datetime(3),
	`next_step` varchar(500),
	`needs` varchar(500),
	`summary` varchar(500) NOT NULL,
	`source_message_id` varchar(128),
	`status` enum('draft','confirmed','undone') NOT NULL DEFAULT 'draft',
	`customer_before` json,
	`card_message_id` varchar(128),
	`occurred_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `follow_ups_id` PRIMARY KEY(`id`),
	CONSTRAINT `follow_ups_workspace_source_uq` UNIQUE(`workspace_id`,`source_message_id`)
);
--> statement-breakpoint
CREATE TABLE `reminders` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`kind` enum('due','quiet','escalation') NOT NULL,
	`due_date` date NOT NULL,
	`due_at` datetime(3) NOT NULL,
	`status` enum('pending','sent','done','snoozed','cancelled') NOT NULL DEFAULT 'pending',
	`sent_at` datetime(3),
	`snoozed_until` datetime(3),
	`message_ref` varchar(191),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `reminders_id` PRIMARY KEY(`id`),
	CONSTRAINT `reminders_customer_kind_day_uq` UNIQUE(`customer_id`,`kind`,`due_date`)
);
--> statement-breakpoint
CREATE TABLE `assignments` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned NOT NULL,
	`from_user_id` bigint unsigned,
	`to_user_id` bigint unsigned,
	`reason` enum('create','reassign','handover','claim','release') NOT NULL,
	`actor_user_id` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `assignments_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`actor` varchar(160) NOT NULL,
	`action` varchar(64) NOT NULL,
	`subject_type` varchar(32) NOT NULL,
	`subject_id` varchar(64) NOT NULL,
	`before` json,
	`after` json,
	`source` varchar(32) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `audit_log_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `inbound_events` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`platform` enum('feishu','wecom') NOT NULL,
	`event_id` varchar(191) NOT NULL,
	`workspace_id` bigint unsigned,
	`event_type` varchar(64),
	`status` enum('received','done','failed','ignored') NOT NULL DEFAULT 'received',
	`attempts` int NOT NULL DEFAULT 0,
	`last_error` text,
	`received_at` datetime(3) NOT NULL,
	`processed_at` datetime(3),
	CONSTRAINT `inbound_events_id` PRIMARY KEY(`id`),
	CONSTRAINT `inbound_events_platform_event_uq` UNIQUE(`platform`,`event_id`)
);
--> statement-breakpoint
CREATE TABLE `job_runs` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`job` varchar(64) NOT NULL,
	`slot` varchar(64) NOT NULL,
	`status` enum('running','done','failed') NOT NULL DEFAULT 'running',
	`owner` varchar(64) NOT NULL,
	`report` json,
	`error` text,
	`started_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	CONSTRAINT `job_runs_id` PRIMARY KEY(`id`),
	CONSTRAINT `job_runs_job_slot_uq` UNIQUE(`job`,`slot`)
);
--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned,
	`target` varchar(191) NOT NULL,
	`payload` json NOT NULL,
	`dedupe_key` varchar(191),
	`status` enum('pending','sending','sent','failed') NOT NULL DEFAULT 'pending',
	`attempts` int NOT NULL DEFAULT 0,
	`max_attempts` int NOT NULL DEFAULT 8,
	`next_attempt_at` datetime(3) NOT NULL,
	`lease_owner` varchar(64),
	`lease_until` datetime(3),
	`last_error` text,
	`sent_ref` varchar(191),
	`sent_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	CONSTRAINT `outbox_id` PRIMARY KEY(`id`),
	CONSTRAINT `outbox_dedupe_uq` UNIQUE(`dedupe_key`)
);
--> statement-breakpoint
CREATE INDEX `users_team_idx` ON `users` (`workspace_id`,`team_id`);--> statement-breakpoint
CREATE INDEX `contacts_workspace_idx` ON `contacts` (`workspace_id`);--> statement-breakpoint
CREATE INDEX `customers_owner_next_idx` ON `customers` (`workspace_id`,`owner_user_id`,`next_follow_up_at`);--> statement-breakpoint
CREATE INDEX `customers_owner_last_idx` ON `customers` (`workspace_id`,`owner_user_id`,`last_follow_up_at`);--> statement-breakpoint
CREATE INDEX `customers_team_last_idx` ON `customers` (`workspace_id`,`team_id`,`last_follow_up_at`);--> statement-breakpoint
CREATE INDEX `follow_ups_author_time_idx` ON `follow_ups` (`workspace_id`,`author_user_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `follow_ups_customer_time_idx` ON `follow_ups` (`workspace_id`,`customer_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `reminders_user_status_idx` ON `reminders` (`workspace_id`,`user_id`,`status`,`due_at`);--> statement-breakpoint
CREATE INDEX `assignments_customer_time_idx` ON `assignments` (`workspace_id`,`customer_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_workspace_time_idx` ON `audit_log` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_subject_idx` ON `audit_log` (`workspace_id`,`subject_type`,`subject_id`);--> statement-breakpoint
CREATE INDEX `inbound_events_received_idx` ON `inbound_events` (`received_at`);--> statement-breakpoint
CREATE INDEX `outbox_status_next_idx` ON `outbox` (`status`,`next_attempt_at`);
CREATE TABLE `note_prompts` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`user_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned NOT NULL,
	`reminder_id` bigint unsigned,
	`expires_at` datetime(3) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `note_prompts_id` PRIMARY KEY(`id`),
	CONSTRAINT `note_prompts_workspace_user_uq` UNIQUE(`workspace_id`,`user_id`)
);
--> statement-breakpoint
CREATE TABLE `team_digests` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`team_id` varchar(64) NOT NULL,
	`week_start` date NOT NULL,
	`figures` json,
	`message_ref` varchar(191),
	`sent_at` datetime(3),
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `team_digests_id` PRIMARY KEY(`id`),
	CONSTRAINT `team_digests_workspace_team_week_uq` UNIQUE(`workspace_id`,`team_id`,`week_start`)
);
--> statement-breakpoint
ALTER TABLE `reminders` MODIFY COLUMN `kind` enum('due','quiet','escalation','pool_warning') NOT NULL;--> statement-breakpoint
ALTER TABLE `reminders` ADD `subject_at` datetime(3);--> statement-breakpoint
ALTER TABLE `reminders` ADD `in_summary` boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `reminders` ADD `action` varchar(32);--> statement-breakpoint
ALTER TABLE `reminders` ADD `acted_by_user_id` bigint unsigned;--> statement-breakpoint
ALTER TABLE `reminders` ADD `acted_at` datetime(3);--> statement-breakpoint
CREATE INDEX `customers_workspace_next_idx` ON `customers` (`workspace_id`,`next_follow_up_at`,`last_follow_up_at`);--> statement-breakpoint
CREATE INDEX `customers_workspace_last_idx` ON `customers` (`workspace_id`,`last_follow_up_at`);--> statement-breakpoint
CREATE INDEX `reminders_customer_kind_subject_idx` ON `reminders` (`customer_id`,`kind`,`subject_at`);
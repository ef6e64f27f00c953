CREATE TABLE `handovers` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`from_user_id` bigint unsigned NOT NULL,
	`to_user_id` bigint unsigned,
	`spread` boolean NOT NULL DEFAULT false,
	`deactivate` boolean NOT NULL DEFAULT false,
	`requested_by` bigint unsigned,
	`actor` varchar(160) NOT NULL,
	`status` enum('proposed','running','done','cancelled') NOT NULL DEFAULT 'proposed',
	`total` int NOT NULL DEFAULT 0,
	`moved` int NOT NULL DEFAULT 0,
	`lease_until` datetime(3),
	`created_at` datetime(3) NOT NULL,
	`updated_at` datetime(3) NOT NULL,
	`finished_at` datetime(3),
	CONSTRAINT `handovers_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
CREATE TABLE `transfer_requests` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned NOT NULL,
	`from_user_id` bigint unsigned,
	`to_user_id` bigint unsigned NOT NULL,
	`requested_by` bigint unsigned NOT NULL,
	`status` enum('pending','approved','rejected','cancelled') NOT NULL DEFAULT 'pending',
	`decided_by` bigint unsigned,
	`created_at` datetime(3) NOT NULL,
	`decided_at` datetime(3),
	CONSTRAINT `transfer_requests_id` PRIMARY KEY(`id`)
);
--> statement-breakpoint
ALTER TABLE `assignments` MODIFY COLUMN `reason` enum('create','reassign','handover','claim','release','recycle') NOT NULL;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `collaboration` boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `handovers_status_idx` ON `handovers` (`status`,`workspace_id`);--> statement-breakpoint
CREATE INDEX `transfer_requests_customer_idx` ON `transfer_requests` (`workspace_id`,`customer_id`,`status`);--> statement-breakpoint
CREATE INDEX `assignments_to_reason_time_idx` ON `assignments` (`workspace_id`,`to_user_id`,`reason`,`created_at`);--> statement-breakpoint
CREATE INDEX `assignments_from_reason_time_idx` ON `assignments` (`workspace_id`,`from_user_id`,`reason`,`created_at`);
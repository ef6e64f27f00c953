CREATE TABLE `customer_aliases` (
	`id` bigint unsigned AUTO_INCREMENT NOT NULL,
	`workspace_id` bigint unsigned NOT NULL,
	`customer_id` bigint unsigned NOT NULL,
	`alias` varchar(200) NOT NULL,
	`normalized_alias` varchar(191) NOT NULL,
	`created_at` datetime(3) NOT NULL,
	CONSTRAINT `customer_aliases_id` PRIMARY KEY(`id`),
	CONSTRAINT `customer_aliases_workspace_alias_uq` UNIQUE(`workspace_id`,`normalized_alias`)
);
--> statement-breakpoint
ALTER TABLE `workspaces` MODIFY COLUMN `platform` varchar(32) NOT NULL;--> statement-breakpoint
ALTER TABLE `inbound_events` MODIFY COLUMN `platform` varchar(32) NOT NULL;--> statement-breakpoint
CREATE INDEX `customer_aliases_customer_idx` ON `customer_aliases` (`customer_id`);--> statement-breakpoint
CREATE INDEX `customers_workspace_updated_idx` ON `customers` (`workspace_id`,`updated_at`);--> statement-breakpoint
CREATE INDEX `outbox_status_sent_idx` ON `outbox` (`status`,`sent_at`);--> statement-breakpoint
ALTER TABLE `customers` DROP COLUMN `aliases`;
ALTER TABLE `inbound_events` MODIFY COLUMN `status` enum('received','done','failed','ignored','dead') NOT NULL DEFAULT 'received';--> statement-breakpoint
ALTER TABLE `inbound_events` ADD `conversation` varchar(191);--> statement-breakpoint
ALTER TABLE `inbound_events` ADD `payload` json;--> statement-breakpoint
ALTER TABLE `inbound_events` ADD `lease_owner` varchar(64);--> statement-breakpoint
ALTER TABLE `inbound_events` ADD `lease_until` datetime(3);--> statement-breakpoint
ALTER TABLE `inbound_events` ADD `next_attempt_at` datetime(3);--> statement-breakpoint
ALTER TABLE `inbound_events` ADD `result` json;--> statement-breakpoint
ALTER TABLE `outbox` ADD `give_up_at` datetime(3);--> statement-breakpoint
UPDATE `outbox` SET `give_up_at` = `created_at` + INTERVAL 1 DAY;--> statement-breakpoint
ALTER TABLE `outbox` MODIFY COLUMN `give_up_at` datetime(3) NOT NULL;--> statement-breakpoint
CREATE INDEX `inbound_events_status_next_idx` ON `inbound_events` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `inbound_events_conversation_idx` ON `inbound_events` (`conversation`,`status`);--> statement-breakpoint
CREATE INDEX `outbox_target_status_idx` ON `outbox` (`target`,`status`);--> statement-breakpoint
CREATE INDEX `outbox_target_sent_idx` ON `outbox` (`target`,`sent_at`);
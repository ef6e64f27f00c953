DROP INDEX `customers_workspace_next_idx` ON `customers`;--> statement-breakpoint
DROP INDEX `customers_workspace_last_idx` ON `customers`;--> statement-breakpoint
CREATE INDEX `customers_workspace_next_idx` ON `customers` (`workspace_id`,`next_follow_up_at`,`last_follow_up_at`,`owner_user_id`);--> statement-breakpoint
CREATE INDEX `customers_workspace_last_idx` ON `customers` (`workspace_id`,`last_follow_up_at`,`owner_user_id`,`tier`,`stage`,`next_follow_up_at`,`created_at`);
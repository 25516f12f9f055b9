CREATE INDEX "audit_logs_action_seq_idx" ON "audit_logs" USING btree ("action","seq");--> statement-breakpoint
CREATE INDEX "audit_logs_resource_seq_idx" ON "audit_logs" USING btree ("resource_type","resource_id","seq");--> statement-breakpoint
CREATE INDEX "audit_logs_actor_seq_idx" ON "audit_logs" USING btree ("actor_type","actor_id","seq");
CREATE TABLE "activity_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"message" text NOT NULL,
	"links" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"communication_ref" text
);
--> statement-breakpoint
CREATE TABLE "rule_applications" (
	"integration_id" uuid NOT NULL,
	"comm_key" text NOT NULL,
	"action" text NOT NULL,
	"account_id" uuid NOT NULL,
	"status" text NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_applications_integration_id_comm_key_action_pk" PRIMARY KEY("integration_id","comm_key","action")
);
--> statement-breakpoint
CREATE TABLE "rule_counterparties" (
	"account_id" uuid NOT NULL,
	"phone_key" text NOT NULL,
	"ms_counterparty_id" text,
	"created_by_us" boolean DEFAULT false NOT NULL,
	"lease_token" text,
	"lease_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rule_counterparties_account_id_phone_key_pk" PRIMARY KEY("account_id","phone_key")
);
--> statement-breakpoint
CREATE TABLE "rule_sets" (
	"integration_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"body" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_tasks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"phone_key" text NOT NULL,
	"ms_task_id" text NOT NULL,
	"comm_key" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"auto_close" boolean DEFAULT true NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "activity_log" ADD CONSTRAINT "activity_log_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_log" ADD CONSTRAINT "activity_log_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_applications" ADD CONSTRAINT "rule_applications_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_applications" ADD CONSTRAINT "rule_applications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_counterparties" ADD CONSTRAINT "rule_counterparties_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_sets" ADD CONSTRAINT "rule_sets_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_sets" ADD CONSTRAINT "rule_sets_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_tasks" ADD CONSTRAINT "rule_tasks_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_tasks" ADD CONSTRAINT "rule_tasks_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_log_account_at_idx" ON "activity_log" USING btree ("account_id","id");--> statement-breakpoint
CREATE INDEX "activity_log_integration_idx" ON "activity_log" USING btree ("integration_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_tasks_task_uq" ON "rule_tasks" USING btree ("account_id","ms_task_id");--> statement-breakpoint
CREATE INDEX "rule_tasks_open_idx" ON "rule_tasks" USING btree ("account_id","phone_key") WHERE closed_at is null;
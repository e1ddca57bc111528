CREATE TABLE "communications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"phone_key" text NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"campaign" text,
	"utm_source" text,
	"utm_medium" text,
	"utm_campaign" text,
	"site" text,
	"external_ref" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_contact_phones" (
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"contact_id" text NOT NULL,
	"phone_key" text NOT NULL,
	CONSTRAINT "deal_contact_phones_integration_id_contact_id_phone_key_pk" PRIMARY KEY("integration_id","contact_id","phone_key")
);
--> statement-breakpoint
CREATE TABLE "deal_contacts" (
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"company_type" text,
	"phones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"emails" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"persons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"needs_persons" boolean DEFAULT false NOT NULL,
	"ms_updated" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deal_contacts_integration_id_id_pk" PRIMARY KEY("integration_id","id")
);
--> statement-breakpoint
CREATE TABLE "deal_pending_fetches" (
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"event_at" timestamp with time zone NOT NULL,
	CONSTRAINT "deal_pending_fetches_integration_id_entity_type_entity_id_pk" PRIMARY KEY("integration_id","entity_type","entity_id")
);
--> statement-breakpoint
CREATE TABLE "deal_refs" (
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"type" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"extra" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "deal_refs_integration_id_type_id_pk" PRIMARY KEY("integration_id","type","id")
);
--> statement-breakpoint
CREATE TABLE "deal_stage_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"deal_id" text NOT NULL,
	"state_id" text,
	"entered_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_stages" (
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"color" integer,
	"state_type" text NOT NULL,
	"outcome" text NOT NULL,
	"position" integer NOT NULL,
	"deleted" boolean DEFAULT false NOT NULL,
	CONSTRAINT "deal_stages_integration_id_id_pk" PRIMARY KEY("integration_id","id")
);
--> statement-breakpoint
CREATE TABLE "deal_syncs" (
	"integration_id" uuid PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"phase" text DEFAULT 'refs' NOT NULL,
	"cursor" integer DEFAULT 0 NOT NULL,
	"progress" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"watermark" timestamp with time zone,
	"last_reconciled_at" timestamp with time zone,
	"webhooks" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_webhook_at" timestamp with time zone,
	"error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deal_webhook_receipts" (
	"integration_id" uuid NOT NULL,
	"request_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deal_webhook_receipts_integration_id_request_id_pk" PRIMARY KEY("integration_id","request_id")
);
--> statement-breakpoint
CREATE TABLE "deals" (
	"integration_id" uuid NOT NULL,
	"account_id" uuid NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"moment" timestamp with time zone NOT NULL,
	"ms_created" timestamp with time zone NOT NULL,
	"ms_updated" timestamp with time zone NOT NULL,
	"sum" bigint NOT NULL,
	"payed_sum" bigint DEFAULT 0 NOT NULL,
	"state_id" text,
	"store_id" text,
	"sales_channel_id" text,
	"project_id" text,
	"organization_id" text,
	"owner_id" text,
	"agent_id" text,
	"description" text,
	"attributes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"deleted_at" timestamp with time zone,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "deals_integration_id_id_pk" PRIMARY KEY("integration_id","id")
);
--> statement-breakpoint
ALTER TABLE "communications" ADD CONSTRAINT "communications_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_contact_phones" ADD CONSTRAINT "deal_contact_phones_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_contact_phones" ADD CONSTRAINT "deal_contact_phones_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_contacts" ADD CONSTRAINT "deal_contacts_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_contacts" ADD CONSTRAINT "deal_contacts_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_pending_fetches" ADD CONSTRAINT "deal_pending_fetches_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_pending_fetches" ADD CONSTRAINT "deal_pending_fetches_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_refs" ADD CONSTRAINT "deal_refs_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_refs" ADD CONSTRAINT "deal_refs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_stage_history" ADD CONSTRAINT "deal_stage_history_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_stage_history" ADD CONSTRAINT "deal_stage_history_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_stages" ADD CONSTRAINT "deal_stages_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_stages" ADD CONSTRAINT "deal_stages_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_syncs" ADD CONSTRAINT "deal_syncs_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_syncs" ADD CONSTRAINT "deal_syncs_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deal_webhook_receipts" ADD CONSTRAINT "deal_webhook_receipts_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deals" ADD CONSTRAINT "deals_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "communications_phone_idx" ON "communications" USING btree ("account_id","phone_key","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "communications_ref_key" ON "communications" USING btree ("account_id","channel","external_ref");--> statement-breakpoint
CREATE INDEX "deal_contact_phones_key_idx" ON "deal_contact_phones" USING btree ("account_id","phone_key");--> statement-breakpoint
CREATE INDEX "deal_contacts_account_changed_idx" ON "deal_contacts" USING btree ("account_id","changed_at","id");--> statement-breakpoint
CREATE INDEX "deal_contacts_needs_persons_idx" ON "deal_contacts" USING btree ("integration_id") WHERE "deal_contacts"."needs_persons";--> statement-breakpoint
CREATE INDEX "deal_refs_account_idx" ON "deal_refs" USING btree ("account_id","type");--> statement-breakpoint
CREATE INDEX "deal_stage_history_deal_idx" ON "deal_stage_history" USING btree ("integration_id","deal_id","entered_at");--> statement-breakpoint
CREATE INDEX "deal_stage_history_state_idx" ON "deal_stage_history" USING btree ("account_id","state_id");--> statement-breakpoint
CREATE INDEX "deal_stages_account_idx" ON "deal_stages" USING btree ("account_id");--> statement-breakpoint
CREATE INDEX "deal_webhook_receipts_received_idx" ON "deal_webhook_receipts" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "deals_account_moment_idx" ON "deals" USING btree ("account_id","moment","id");--> statement-breakpoint
CREATE INDEX "deals_account_sum_idx" ON "deals" USING btree ("account_id","sum","id");--> statement-breakpoint
CREATE INDEX "deals_account_updated_idx" ON "deals" USING btree ("account_id","ms_updated","id");--> statement-breakpoint
CREATE INDEX "deals_account_changed_idx" ON "deals" USING btree ("account_id","changed_at","id");--> statement-breakpoint
CREATE INDEX "deals_account_state_idx" ON "deals" USING btree ("account_id","state_id","moment");--> statement-breakpoint
CREATE INDEX "deals_account_owner_idx" ON "deals" USING btree ("account_id","owner_id","moment");--> statement-breakpoint
CREATE INDEX "deals_account_store_idx" ON "deals" USING btree ("account_id","store_id","moment");--> statement-breakpoint
CREATE INDEX "deals_account_channel_idx" ON "deals" USING btree ("account_id","sales_channel_id","moment");--> statement-breakpoint
CREATE INDEX "deals_agent_idx" ON "deals" USING btree ("integration_id","agent_id");
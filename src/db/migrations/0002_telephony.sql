CREATE TABLE "telephony_click_to_call" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"inbox_id" bigint,
	"src_number" text,
	"dest_number" text,
	"uid" text,
	"signature_header" text,
	"raw_body" text NOT NULL,
	"signature" text,
	"signature_variant" text,
	"status" text DEFAULT 'queued' NOT NULL,
	"reason" text,
	"uis_employee_id" integer,
	"uis_call_session_id" bigint,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "telephony_employee_links" (
	"integration_id" uuid NOT NULL,
	"ms_employee_id" text NOT NULL,
	"uis_employee_id" integer NOT NULL,
	"matched_by" text NOT NULL,
	CONSTRAINT "telephony_employee_links_integration_id_ms_employee_id_pk" PRIMARY KEY("integration_id","ms_employee_id")
);
--> statement-breakpoint
CREATE TABLE "telephony_employee_overrides" (
	"integration_id" uuid NOT NULL,
	"ms_employee_id" text NOT NULL,
	"uis_employee_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "telephony_employee_overrides_integration_id_ms_employee_id_pk" PRIMARY KEY("integration_id","ms_employee_id")
);
--> statement-breakpoint
CREATE TABLE "telephony_ms_employees" (
	"integration_id" uuid NOT NULL,
	"employee_id" text NOT NULL,
	"extension" text,
	"name" text,
	"email" text,
	"phone" text,
	"uid" text,
	CONSTRAINT "telephony_ms_employees_integration_id_employee_id_pk" PRIMARY KEY("integration_id","employee_id")
);
--> statement-breakpoint
CREATE TABLE "telephony_routing_index" (
	"integration_id" uuid NOT NULL,
	"phone_key" text NOT NULL,
	"counterparty_id" text NOT NULL,
	"counterparty_name" text,
	"owner_employee_id" text,
	"via" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "telephony_routing_index_integration_id_phone_key_counterparty_id_pk" PRIMARY KEY("integration_id","phone_key","counterparty_id")
);
--> statement-breakpoint
CREATE TABLE "telephony_state" (
	"integration_id" uuid PRIMARY KEY NOT NULL,
	"employees_refreshed_at" timestamp with time zone,
	"employees_error" text,
	"employees_generation" bigint DEFAULT 0 NOT NULL,
	"routing_refreshed_at" timestamp with time zone,
	"routing_error" text,
	"routing_generation" bigint DEFAULT 0 NOT NULL,
	"webhook_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"webhooks_error" text
);
--> statement-breakpoint
CREATE TABLE "telephony_uis_employees" (
	"integration_id" uuid NOT NULL,
	"employee_id" integer NOT NULL,
	"name" text,
	"email" text,
	"extension" text,
	"phones" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "telephony_uis_employees_integration_id_employee_id_pk" PRIMARY KEY("integration_id","employee_id")
);
--> statement-breakpoint
ALTER TABLE "telephony_click_to_call" ADD CONSTRAINT "telephony_click_to_call_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_click_to_call" ADD CONSTRAINT "telephony_click_to_call_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_employee_links" ADD CONSTRAINT "telephony_employee_links_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_employee_overrides" ADD CONSTRAINT "telephony_employee_overrides_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_ms_employees" ADD CONSTRAINT "telephony_ms_employees_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_routing_index" ADD CONSTRAINT "telephony_routing_index_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_state" ADD CONSTRAINT "telephony_state_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "telephony_uis_employees" ADD CONSTRAINT "telephony_uis_employees_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "telephony_c2c_integration_idx" ON "telephony_click_to_call" USING btree ("integration_id","id");--> statement-breakpoint
CREATE INDEX "telephony_links_uis_idx" ON "telephony_employee_links" USING btree ("integration_id","uis_employee_id");--> statement-breakpoint
CREATE INDEX "telephony_routing_cp_idx" ON "telephony_routing_index" USING btree ("integration_id","counterparty_id");
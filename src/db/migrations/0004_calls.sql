CREATE TABLE "call_pushes" (
	"integration_id" uuid NOT NULL,
	"call_session_id" text NOT NULL,
	"ms_call_id" text,
	"create_pending" boolean DEFAULT false NOT NULL,
	"pushed" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"last_sequence" integer DEFAULT 0 NOT NULL,
	"reconciled_version" integer DEFAULT 0 NOT NULL,
	"parked" boolean DEFAULT false NOT NULL,
	"lease_token" text,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "call_sessions" (
	"account_id" uuid NOT NULL,
	"integration_id" uuid NOT NULL,
	"call_session_id" text NOT NULL,
	"state" jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"finished" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "call_pushes" ADD CONSTRAINT "call_pushes_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_sessions" ADD CONSTRAINT "call_sessions_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_sessions" ADD CONSTRAINT "call_sessions_integration_id_integrations_id_fk" FOREIGN KEY ("integration_id") REFERENCES "public"."integrations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "call_pushes_integration_session_uq" ON "call_pushes" USING btree ("integration_id","call_session_id");--> statement-breakpoint
CREATE INDEX "call_pushes_parked_idx" ON "call_pushes" USING btree ("integration_id","parked");--> statement-breakpoint
CREATE UNIQUE INDEX "call_sessions_integration_session_uq" ON "call_sessions" USING btree ("integration_id","call_session_id");--> statement-breakpoint
CREATE INDEX "call_sessions_account_updated_idx" ON "call_sessions" USING btree ("account_id","updated_at");
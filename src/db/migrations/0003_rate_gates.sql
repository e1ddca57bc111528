CREATE TABLE "moysklad_rate_gates" (
	"principal" text NOT NULL,
	"api" text NOT NULL,
	"tat_ms" double precision DEFAULT 0 NOT NULL,
	"leases" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "moysklad_rate_gates_principal_api_pk" PRIMARY KEY("principal","api")
);

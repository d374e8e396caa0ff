-- Test helpers, in the spirit of usebasejump/supabase-test-helpers. The runner
-- (supabase/tests/database.test.ts) runs this right after each test file's `begin;`, so
-- the `tests` schema exists only inside that file's transaction and leaves with its
-- rollback. This file is not a test: it has no plan.

create schema tests;
grant usage on schema tests to anon, authenticated, service_role;

-- Creates an account the way GoTrue does (one auth.users row), which fires the sign-up
-- trigger: profile, personal workspace, owner membership.
create function tests.create_user(email text, metadata jsonb default '{}'::jsonb)
returns uuid
language sql
security definer
set search_path = ''
as $$
  insert into auth.users (id, instance_id, aud, role, email, encrypted_password, email_confirmed_at,
                          raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
  values (gen_random_uuid(), '00000000-0000-0000-0000-000000000000', 'authenticated', 'authenticated',
          lower(create_user.email), '', now(),
          '{"provider": "email", "providers": ["email"]}'::jsonb, create_user.metadata, now(), now())
  returning id
$$;

-- Security definer so it also works while a test acts as a role that cannot read auth.users.
create function tests.get_user_id(email text)
returns uuid
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  found_id uuid;
begin
  select u.id into found_id from auth.users u where u.email = lower(get_user_id.email);
  if found_id is null then
    raise exception 'tests.get_user_id: no user with email %', get_user_id.email;
  end if;
  return found_id;
end
$$;

-- The workspace a user got at sign-up.
create function tests.personal_tenant_id(email text)
returns uuid
language sql
stable
security definer
set search_path = ''
as $$
  select t.id from public.tenants t
  where t.personal and t.created_by = tests.get_user_id(personal_tenant_id.email)
$$;

-- Acts as the user for the rest of the transaction, as PostgREST and our withUser do:
-- transaction-local role and claims, never session-level.
create function tests.authenticate_as(email text)
returns void
language plpgsql
as $$
declare
  user_id uuid := tests.get_user_id(authenticate_as.email);
begin
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', user_id, 'role', 'authenticated', 'email', lower(authenticate_as.email), 'aud', 'authenticated'
  )::text, true);
end
$$;

create function tests.authenticate_as_anon()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
end
$$;

create function tests.authenticate_as_service_role()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end
$$;

-- Back to the runner's own role (postgres) with no claims.
create function tests.clear_authentication()
returns void
language plpgsql
as $$
begin
  perform set_config('role', 'none', true);
  perform set_config('request.jwt.claims', '', true);
end
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;

-- Runs a statement as the current role and returns the error it raised (null if none), so
-- a test can assert the details the app relies on: SQLSTATE, message, constraint, hint.
create function tests.error_of(query text)
returns jsonb
language plpgsql
as $$
declare
  state text;
  message text;
  constraint_name text;
  hint text;
begin
  execute query;
  return null;
exception when others then
  get stacked diagnostics
    state = returned_sqlstate,
    message = message_text,
    constraint_name = constraint_name,
    hint = pg_exception_hint;
  return jsonb_build_object('code', state, 'message', message, 'constraint', constraint_name, 'hint', hint);
end
$$;
grant execute on function tests.error_of(text) to anon, authenticated, service_role;

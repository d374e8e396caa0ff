-- Deleting an account (the LGPD right, or an admin in the dashboard) always succeeds and
-- never leaves a workspace without an owner: personal workspaces go with their person,
-- shared ones pass to the longest-standing admin, else writer, and empty ones are deleted.
begin;
select plan(17);

select tests.create_user('gone-paula@pgtap.test', '{"display_name": "Paula"}');
select tests.create_user('gone-quinn@pgtap.test', '{"display_name": "Quinn"}');
select tests.create_user('gone-ada@pgtap.test', '{"display_name": "Ada"}');
select tests.create_user('gone-abel@pgtap.test', '{"display_name": "Abel"}');
select tests.create_user('gone-wanda@pgtap.test', '{"display_name": "Wanda"}');
select tests.create_user('gone-walt@pgtap.test', '{"display_name": "Walt"}');

create function pg_temp.uid(email text) returns uuid language sql stable as $$ select tests.get_user_id(email) $$;
create function pg_temp.workspace(workspace_name text) returns uuid language sql stable as $$
  select id from public.tenants where name = workspace_name
$$;
create function pg_temp.role_in(workspace_name text, email text) returns text language sql stable as $$
  select role from public.memberships where tenant_id = pg_temp.workspace(workspace_name) and user_id = pg_temp.uid(email)
$$;

-- Paula's workspaces, each a different case. Memberships are dated so "longest-standing"
-- is not decided by insertion order.
select tests.authenticate_as('gone-paula@pgtap.test');
select public.create_workspace('Solo');
select public.create_workspace('Team');
select public.create_workspace('Writers room');
select public.create_workspace('Co-owned');
select tests.clear_authentication();

insert into public.memberships (tenant_id, user_id, role, created_at) values
  (pg_temp.workspace('Team'), pg_temp.uid('gone-wanda@pgtap.test'), 'writer', now() - interval '3 days'),
  (pg_temp.workspace('Team'), pg_temp.uid('gone-abel@pgtap.test'), 'admin', now() - interval '1 day'),
  (pg_temp.workspace('Team'), pg_temp.uid('gone-ada@pgtap.test'), 'admin', now() - interval '2 days'),
  (pg_temp.workspace('Writers room'), pg_temp.uid('gone-walt@pgtap.test'), 'writer', now() - interval '1 day'),
  (pg_temp.workspace('Writers room'), pg_temp.uid('gone-wanda@pgtap.test'), 'writer', now() - interval '2 days'),
  (pg_temp.workspace('Co-owned'), pg_temp.uid('gone-quinn@pgtap.test'), 'owner', now()),
  (pg_temp.workspace('Co-owned'), pg_temp.uid('gone-walt@pgtap.test'), 'admin', now()),
  (tests.personal_tenant_id('gone-paula@pgtap.test'), pg_temp.uid('gone-quinn@pgtap.test'), 'admin', now());

-- Quinn opens Paula's personal workspace, which is about to go.
update public.profiles set last_tenant_id = tests.personal_tenant_id('gone-paula@pgtap.test')
where id = pg_temp.uid('gone-quinn@pgtap.test');

select set_config('tests.paula', pg_temp.uid('gone-paula@pgtap.test')::text, true);
select set_config('tests.paula_personal', tests.personal_tenant_id('gone-paula@pgtap.test')::text, true);

select lives_ok(
  $$delete from auth.users where email = 'gone-paula@pgtap.test'$$,
  'deleting an account that owns workspaces succeeds'
);

select is_empty(
  format('select 1 from public.tenants where id = %L', current_setting('tests.paula_personal')),
  'the personal workspace went with its person, though it had another member'
);
select is(
  (select last_tenant_id from public.profiles where id = pg_temp.uid('gone-quinn@pgtap.test')),
  null,
  'nobody is left pointing at the deleted personal workspace'
);
select is(pg_temp.workspace('Solo'), null, 'a shared workspace with no other member was deleted');

select is(pg_temp.role_in('Team', 'gone-ada@pgtap.test'), 'owner', 'the longest-standing admin became the owner');
select is(pg_temp.role_in('Team', 'gone-abel@pgtap.test'), 'admin', 'the other admin stays an admin');
select is(pg_temp.role_in('Team', 'gone-wanda@pgtap.test'), 'writer', 'an older writer does not outrank an admin');

select is(pg_temp.role_in('Writers room', 'gone-wanda@pgtap.test'), 'owner', 'with no admin, the longest-standing writer became the owner');
select is(pg_temp.role_in('Writers room', 'gone-walt@pgtap.test'), 'writer', 'the other writer stays a writer');

select is(pg_temp.role_in('Co-owned', 'gone-quinn@pgtap.test'), 'owner', 'the remaining owner stays the owner');
select is(pg_temp.role_in('Co-owned', 'gone-walt@pgtap.test'), 'admin', 'and nobody is promoted where an owner remains');

select is(
  (select count(*)::int from public.tenants t
   where not exists (select 1 from public.memberships m where m.tenant_id = t.id and m.role = 'owner')),
  0,
  'no workspace is left without an owner'
);
select is_empty(
  format('select 1 from public.memberships where user_id = %L', current_setting('tests.paula')),
  'the account''s memberships are gone'
);
select is_empty(
  format('select 1 from public.profiles where id = %L', current_setting('tests.paula')),
  'the account''s profile is gone'
);
select is(
  (select count(*)::int from public.tenants where name in ('Team', 'Writers room', 'Co-owned') and created_by is null),
  3,
  'the workspaces that remain no longer name the deleted account as creator'
);

-- An account whose only workspace is its personal one.
select lives_ok(
  $$delete from auth.users where email = 'gone-abel@pgtap.test'$$,
  'an account with only a personal workspace is deleted'
);
select is(
  (select count(*)::int from public.tenants where name = 'Espaço de Abel'),
  0,
  'and its personal workspace goes with it'
);

select * from finish();
rollback;

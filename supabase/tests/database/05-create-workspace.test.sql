-- public.create_workspace(name): a signed-in user creates a shared workspace they own, with
-- a name of 1 to 80 characters; bad names fail with a message a person can act on.
begin;
select plan(22);

select tests.create_user('create-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('create-bia@pgtap.test', '{"display_name": "Bia"}');

select tests.authenticate_as('create-ana@pgtap.test');
select set_config('tests.created', public.create_workspace(E'  Crônicas de Lume\t')::text, true);
create function pg_temp.created() returns uuid language sql stable as $$ select current_setting('tests.created')::uuid $$;

select results_eq(
  format('select name, personal, plan, created_by from public.tenants where id = %L', pg_temp.created()),
  format('values (%L::text, false, %L::text, %L::uuid)', 'Crônicas de Lume', 'free', tests.get_user_id('create-ana@pgtap.test')),
  'the new workspace is shared, on the free plan, created by the caller, with its name trimmed'
);
select results_eq(
  format('select user_id, role from public.memberships where tenant_id = %L', pg_temp.created()),
  format('values (%L::uuid, %L::text)', tests.get_user_id('create-ana@pgtap.test'), 'owner'),
  'the caller is its only member, as owner'
);
select is(
  (select last_tenant_id from public.profiles where id = tests.get_user_id('create-ana@pgtap.test')),
  pg_temp.created(),
  'the app opens the new workspace next'
);
select is(
  (select count(*)::int from public.tenants),
  2,
  'the caller now sees their personal workspace and the new one'
);
select lives_ok(
  $$select public.create_workspace('Crônicas de Lume')$$,
  'names need not be unique'
);
select lives_ok(
  format('select public.create_workspace(%L)', repeat('x', 80)),
  'an 80-character name is fine'
);
select lives_ok(
  $$select public.create_workspace('🙂')$$,
  'a one-character name is fine, whatever the character'
);

-- Bad names --------------------------------------------------------------------------------

select throws_ok($$select public.create_workspace('')$$, '23514', 'Workspace name cannot be empty', 'an empty name is refused');
select throws_ok($$select public.create_workspace(E'  \t ')$$, '23514', 'Workspace name cannot be empty', 'a blank name is refused');
select throws_ok('select public.create_workspace(null)', '23514', 'Workspace name cannot be empty', 'a missing name is refused');
select throws_ok(
  format('select public.create_workspace(%L)', repeat('x', 81)),
  '23514', 'Workspace name must be at most 80 characters', 'an 81-character name is refused'
);
select throws_ok(
  $$select public.create_workspace(E'Saga\nPart two')$$,
  '23514', 'Workspace name cannot contain line breaks or control characters', 'a name with a line break is refused'
);
select is(
  tests.error_of($$select public.create_workspace('')$$) - 'message',
  '{"code": "23514", "constraint": "tenants_name_check", "hint": "Give the workspace a name of 1 to 80 characters."}'::jsonb,
  'a bad name names the tenants_name_check rule and says what is allowed'
);
select is(
  (select count(*)::int from public.tenants),
  5,
  'a refused name creates nothing'
);

-- Renaming obeys the same rules --------------------------------------------------------------

select lives_ok(
  format('update public.tenants set name = %L where id = %L', '  Lume  ', pg_temp.created()),
  'an owner renames the workspace'
);
select is(
  (select name from public.tenants where id = pg_temp.created()),
  'Lume',
  'a new name is trimmed as well'
);
select throws_ok(
  format('update public.tenants set name = %L where id = %L', ' ', pg_temp.created()),
  '23514', 'Workspace name cannot be empty',
  'a rename to a blank name is refused'
);

-- updated_at ----------------------------------------------------------------------------------

select tests.clear_authentication();
update public.tenants set updated_at = '2000-01-01' where id = pg_temp.created();
select is(
  (select updated_at from public.tenants where id = pg_temp.created()),
  now(),
  'changing a workspace stamps updated_at'
);

-- Who may call it -----------------------------------------------------------------------------

select throws_ok(
  $$select public.create_workspace('Nobody''s')$$,
  '42501', 'Sign in to create a workspace',
  'without a signed-in user (no auth.uid()) it refuses'
);
select tests.authenticate_as_anon();
select throws_ok(
  $$select public.create_workspace('Anon''s')$$,
  '42501', 'permission denied for function create_workspace',
  'anon cannot call it'
);

select tests.authenticate_as('create-bia@pgtap.test');
select is(
  (select count(*)::int from public.tenants),
  1,
  'another user sees none of the caller''s new workspaces'
);
select is_empty(
  format('update public.tenants set name = %L where id = %L returning 1', 'Bia''s now', pg_temp.created()),
  'and cannot rename them'
);

select * from finish();
rollback;

-- Workspaces are sealed from each other and from signed-out visitors: B cannot read or
-- change anything of A's, anon can do nothing at all, and the private helpers are not
-- callable by anyone who should not call them.
begin;
select plan(36);

select tests.create_user('rls-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('rls-bruno@pgtap.test', '{"display_name": "Bruno"}');

-- B looking at A --------------------------------------------------------------------------

select tests.authenticate_as('rls-bruno@pgtap.test');

select results_eq(
  'select id from public.tenants',
  array[tests.personal_tenant_id('rls-bruno@pgtap.test')],
  'B sees only their own workspace'
);
select is_empty(
  format('select 1 from public.memberships where tenant_id = %L', tests.personal_tenant_id('rls-ana@pgtap.test')),
  'B cannot see the memberships of A''s workspace'
);
select is_empty(
  format('select 1 from public.profiles where id = %L', tests.get_user_id('rls-ana@pgtap.test')),
  'B cannot see A''s profile'
);
select results_eq(
  'select id from public.profiles',
  array[tests.get_user_id('rls-bruno@pgtap.test')],
  'B sees only their own profile'
);

select is_empty(
  format('update public.tenants set name = %L where id = %L returning 1', 'Hacked', tests.personal_tenant_id('rls-ana@pgtap.test')),
  'B cannot rename A''s workspace'
);
select is_empty(
  format('delete from public.tenants where id = %L returning 1', tests.personal_tenant_id('rls-ana@pgtap.test')),
  'B cannot delete A''s workspace'
);
select is_empty(
  format('update public.memberships set role = %L where tenant_id = %L returning 1', 'writer', tests.personal_tenant_id('rls-ana@pgtap.test')),
  'B cannot change roles in A''s workspace'
);
select is_empty(
  format('delete from public.memberships where tenant_id = %L returning 1', tests.personal_tenant_id('rls-ana@pgtap.test')),
  'B cannot remove members of A''s workspace'
);
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)',
         tests.personal_tenant_id('rls-ana@pgtap.test'), tests.get_user_id('rls-bruno@pgtap.test'), 'owner'),
  '42501',
  'permission denied for table memberships',
  'B cannot add themselves to A''s workspace'
);
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)',
         tests.personal_tenant_id('rls-ana@pgtap.test'), tests.get_user_id('rls-bruno@pgtap.test'), 'writer'),
  '42501',
  'permission denied for table memberships',
  'B cannot add themselves to A''s workspace even as a writer'
);
select is_empty(
  format('update public.profiles set display_name = %L where id = %L returning 1', 'Hacked', tests.get_user_id('rls-ana@pgtap.test')),
  'B cannot edit A''s profile'
);
select throws_ok(
  format('update public.profiles set last_tenant_id = %L where id = %L',
         tests.personal_tenant_id('rls-ana@pgtap.test'), tests.get_user_id('rls-bruno@pgtap.test')),
  '42501',
  'new row violates row-level security policy for table "profiles"',
  'B cannot point their profile at A''s workspace'
);

-- What no signed-in user may do, even in their own workspace --------------------------------

select throws_ok(
  $$insert into public.tenants (name) values ('Sneaky')$$,
  '42501', 'permission denied for table tenants',
  'nobody inserts workspaces directly (create_workspace does)'
);
select throws_ok(
  format('update public.tenants set plan = %L where id = %L', 'team', tests.personal_tenant_id('rls-bruno@pgtap.test')),
  '42501', 'permission denied for table tenants',
  'an owner cannot change their own plan'
);
select throws_ok(
  format('update public.tenants set personal = false where id = %L', tests.personal_tenant_id('rls-bruno@pgtap.test')),
  '42501', 'permission denied for table tenants',
  'an owner cannot turn a personal workspace into a shared one'
);
select throws_ok(
  format('insert into public.profiles (id, display_name) values (%L, %L)', gen_random_uuid(), 'Ghost'),
  '42501', 'permission denied for table profiles',
  'nobody inserts profiles (sign-up does)'
);
select throws_ok(
  format('delete from public.profiles where id = %L', tests.get_user_id('rls-bruno@pgtap.test')),
  '42501', 'permission denied for table profiles',
  'nobody deletes profiles (they go with the account)'
);

-- Private helpers ----------------------------------------------------------------------------

select throws_ok(
  'select private.handle_new_user()', '42501', 'permission denied for function handle_new_user',
  'a signed-in user cannot call the sign-up trigger function'
);
select throws_ok(
  'select private.handle_user_deletion()', '42501', 'permission denied for function handle_user_deletion',
  'a signed-in user cannot call the account-deletion trigger function'
);
select throws_ok(
  'select private.ensure_workspace_keeps_owner()', '42501', 'permission denied for function ensure_workspace_keeps_owner',
  'a signed-in user cannot call the last-owner trigger function'
);
select results_eq(
  'select * from private.user_tenant_ids()',
  array[tests.personal_tenant_id('rls-bruno@pgtap.test')],
  'private.user_tenant_ids() answers for the caller only'
);
select is(
  private.has_tenant_role(tests.personal_tenant_id('rls-ana@pgtap.test'), array['owner', 'admin', 'writer']),
  false,
  'private.has_tenant_role() is false for a workspace the caller is not in'
);

-- anon -----------------------------------------------------------------------------------------

select tests.authenticate_as_anon();

select throws_ok('select * from public.tenants', '42501', 'permission denied for table tenants', 'anon cannot read workspaces');
select throws_ok('select * from public.memberships', '42501', 'permission denied for table memberships', 'anon cannot read memberships');
select throws_ok('select * from public.profiles', '42501', 'permission denied for table profiles', 'anon cannot read profiles');
select throws_ok($$insert into public.tenants (name) values ('Anon')$$, '42501', 'permission denied for table tenants', 'anon cannot create workspaces');
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)',
         tests.personal_tenant_id('rls-ana@pgtap.test'), tests.get_user_id('rls-ana@pgtap.test'), 'writer'),
  '42501', 'permission denied for table memberships', 'anon cannot add members');
select throws_ok($$update public.tenants set name = 'Anon'$$, '42501', 'permission denied for table tenants', 'anon cannot rename workspaces');
select throws_ok('delete from public.memberships', '42501', 'permission denied for table memberships', 'anon cannot remove members');
select throws_ok($$update public.profiles set display_name = 'Anon'$$, '42501', 'permission denied for table profiles', 'anon cannot edit profiles');
select throws_ok($$select public.create_workspace('Anon')$$, '42501', 'permission denied for function create_workspace', 'anon cannot call create_workspace');
select throws_ok('select * from private.user_tenant_ids()', '42501', 'permission denied for schema private', 'anon cannot reach the private helpers');

-- Nothing B tried changed A's data -------------------------------------------------------------

select tests.clear_authentication();

select is(
  (select name from public.tenants where id = tests.personal_tenant_id('rls-ana@pgtap.test')),
  'Espaço de Ana',
  'A''s workspace kept its name'
);
select results_eq(
  format('select user_id, role from public.memberships where tenant_id = %L', tests.personal_tenant_id('rls-ana@pgtap.test')),
  format('values (%L::uuid, %L::text)', tests.get_user_id('rls-ana@pgtap.test'), 'owner'),
  'A''s workspace still has exactly A as owner'
);
select is(
  (select display_name from public.profiles where id = tests.get_user_id('rls-ana@pgtap.test')),
  'Ana',
  'A''s profile is unchanged'
);

-- And A, of course, sees their own things --------------------------------------------------------

select tests.authenticate_as('rls-ana@pgtap.test');
select results_eq(
  'select id from public.tenants',
  array[tests.personal_tenant_id('rls-ana@pgtap.test')],
  'A sees their own workspace'
);

select * from finish();
rollback;

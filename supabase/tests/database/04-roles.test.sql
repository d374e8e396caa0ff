-- What owners, admins and writers may do in a shared workspace, and the rule that a
-- workspace never loses its last owner.
begin;
select plan(38);

select tests.create_user('roles-olga@pgtap.test', '{"display_name": "Olga"}');
select tests.create_user('roles-davi@pgtap.test', '{"display_name": "Davi"}');
select tests.create_user('roles-wes@pgtap.test', '{"display_name": "Wes"}');
select tests.create_user('roles-xena@pgtap.test', '{"display_name": "Xena"}');

create function pg_temp.saga() returns uuid language sql stable as $$ select current_setting('tests.saga')::uuid $$;
create function pg_temp.uid(email text) returns uuid language sql stable as $$ select tests.get_user_id(email) $$;

-- Olga creates "Saga"; its id is kept in a transaction-local setting for the queries below.
select tests.authenticate_as('roles-olga@pgtap.test');
select set_config('tests.saga', public.create_workspace('Saga')::text, true);

-- Owner --------------------------------------------------------------------------------------

-- Nobody joins a workspace without saying yes: members arrive only by accepting an
-- invitation (a security-definer function, coming with the members feature).
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)', pg_temp.saga(), pg_temp.uid('roles-xena@pgtap.test'), 'writer'),
  '42501', 'permission denied for table memberships',
  'an owner cannot add someone to the workspace without their consent'
);
select is_empty(
  format('select 1 from public.profiles where id = %L', pg_temp.uid('roles-xena@pgtap.test')),
  'so the owner cannot reach a stranger''s profile that way'
);

-- Until invitations exist, the members below join as the database owner would add them.
select tests.clear_authentication();
insert into public.memberships (tenant_id, user_id, role) values
  (pg_temp.saga(), pg_temp.uid('roles-davi@pgtap.test'), 'admin'),
  (pg_temp.saga(), pg_temp.uid('roles-wes@pgtap.test'), 'writer'),
  (pg_temp.saga(), pg_temp.uid('roles-xena@pgtap.test'), 'writer');

-- Admin ---------------------------------------------------------------------------------------

select tests.authenticate_as('roles-davi@pgtap.test');

select lives_ok(
  format('update public.tenants set name = %L where id = %L', 'Saga of the North', pg_temp.saga()),
  'an admin renames the workspace'
);
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)', pg_temp.saga(), gen_random_uuid(), 'writer'),
  '42501', 'permission denied for table memberships',
  'an admin cannot add members directly either'
);
select lives_ok(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'admin', pg_temp.saga(), pg_temp.uid('roles-xena@pgtap.test')),
  'an admin promotes a writer to admin'
);
select lives_ok(
  format('delete from public.memberships where tenant_id = %L and user_id = %L', pg_temp.saga(), pg_temp.uid('roles-xena@pgtap.test')),
  'an admin removes another admin'
);
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)', pg_temp.saga(), pg_temp.uid('roles-xena@pgtap.test'), 'owner'),
  '42501', 'permission denied for table memberships',
  'an admin cannot add an owner'
);
select throws_ok(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'owner', pg_temp.saga(), pg_temp.uid('roles-wes@pgtap.test')),
  '42501', 'new row violates row-level security policy for table "memberships"',
  'an admin cannot make someone an owner'
);
select throws_ok(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'owner', pg_temp.saga(), pg_temp.uid('roles-davi@pgtap.test')),
  '42501', 'new row violates row-level security policy for table "memberships"',
  'an admin cannot make themselves an owner'
);
select is_empty(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L returning 1', 'writer', pg_temp.saga(), pg_temp.uid('roles-olga@pgtap.test')),
  'an admin cannot demote an owner'
);
select is_empty(
  format('delete from public.memberships where tenant_id = %L and user_id = %L returning 1', pg_temp.saga(), pg_temp.uid('roles-olga@pgtap.test')),
  'an admin cannot remove an owner'
);
select is_empty(
  format('delete from public.tenants where id = %L returning 1', pg_temp.saga()),
  'an admin cannot delete the workspace'
);

-- Writer ---------------------------------------------------------------------------------------

select tests.authenticate_as('roles-wes@pgtap.test');

select results_eq(
  format('select name from public.tenants where id = %L', pg_temp.saga()),
  $$values ('Saga of the North'::text)$$,
  'a writer sees the workspace, renamed'
);
select is(
  (select count(*)::int from public.memberships where tenant_id = pg_temp.saga()),
  3,
  'a writer sees every membership of the workspace'
);
select is(
  (select array_agg(display_name order by display_name) from public.profiles),
  array['Wes'],
  'a writer reads only their own profile row (language, last workspace)'
);
select is(
  (select array_agg(display_name order by display_name) from public.workspace_members where tenant_id = pg_temp.saga()),
  array['Davi', 'Olga', 'Wes'],
  'a writer sees the names of their workspace mates through public.workspace_members'
);
select is_empty(
  format('update public.tenants set name = %L where id = %L returning 1', 'Mine now', pg_temp.saga()),
  'a writer cannot rename the workspace'
);
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)', pg_temp.saga(), pg_temp.uid('roles-xena@pgtap.test'), 'writer'),
  '42501', 'permission denied for table memberships',
  'a writer cannot add members'
);
select is_empty(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L returning 1', 'admin', pg_temp.saga(), pg_temp.uid('roles-wes@pgtap.test')),
  'a writer cannot promote themselves'
);
select is_empty(
  format('delete from public.memberships where tenant_id = %L and user_id = %L returning 1', pg_temp.saga(), pg_temp.uid('roles-davi@pgtap.test')),
  'a writer cannot remove others'
);
select is_empty(
  format('delete from public.tenants where id = %L returning 1', pg_temp.saga()),
  'a writer cannot delete the workspace'
);
select is_empty(
  format('update public.profiles set display_name = %L where id = %L returning 1', 'Not Olga', pg_temp.uid('roles-olga@pgtap.test')),
  'a writer cannot edit a workspace mate''s profile'
);
select lives_ok(
  format('update public.profiles set last_tenant_id = %L where id = %L', pg_temp.saga(), pg_temp.uid('roles-wes@pgtap.test')),
  'a member may open the workspace next time (last_tenant_id)'
);
select lives_ok(
  format('delete from public.memberships where tenant_id = %L and user_id = %L', pg_temp.saga(), pg_temp.uid('roles-wes@pgtap.test')),
  'a writer may leave the workspace'
);
select is(
  (select last_tenant_id from public.profiles where id = pg_temp.uid('roles-wes@pgtap.test')),
  null,
  'leaving a workspace forgets it as the one to open next time'
);
select is_empty(
  format('select 1 from public.tenants where id = %L', pg_temp.saga()),
  'after leaving, the workspace is out of sight'
);

-- The last owner ------------------------------------------------------------------------------

select tests.authenticate_as('roles-olga@pgtap.test');

select throws_ok(
  format('delete from public.memberships where tenant_id = %L and user_id = %L', pg_temp.saga(), pg_temp.uid('roles-olga@pgtap.test')),
  'P0001', 'A workspace must keep at least one owner',
  'the last owner cannot leave'
);
select throws_ok(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'admin', pg_temp.saga(), pg_temp.uid('roles-olga@pgtap.test')),
  'P0001', 'A workspace must keep at least one owner',
  'the last owner cannot demote themselves'
);
select is(
  tests.error_of(format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'writer', pg_temp.saga(), pg_temp.uid('roles-olga@pgtap.test')))
    - 'message',
  '{"code": "P0001", "constraint": "memberships_last_owner", "hint": "Make another member an owner first, or delete the workspace."}'::jsonb,
  'the last-owner error names its rule and says what to do instead'
);
select is(
  (select role from public.memberships where tenant_id = pg_temp.saga() and user_id = pg_temp.uid('roles-olga@pgtap.test')),
  'owner',
  'the last owner is still the owner'
);

select tests.authenticate_as_service_role();
select throws_ok(
  format('delete from public.memberships where tenant_id = %L and role = %L', pg_temp.saga(), 'owner'),
  'P0001', 'A workspace must keep at least one owner',
  'not even the service can leave a workspace without an owner'
);
select tests.authenticate_as('roles-olga@pgtap.test');

select lives_ok(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'owner', pg_temp.saga(), pg_temp.uid('roles-davi@pgtap.test')),
  'an owner makes an admin an owner'
);
select lives_ok(
  format('update public.memberships set role = %L where tenant_id = %L and user_id = %L', 'writer', pg_temp.saga(), pg_temp.uid('roles-olga@pgtap.test')),
  'with another owner in place, an owner may step down'
);

-- Olga is a writer now; Davi owns the workspace.
select tests.authenticate_as('roles-davi@pgtap.test');

select is_empty(
  format('delete from public.tenants where id = %L returning 1', tests.personal_tenant_id('roles-olga@pgtap.test')),
  'an owner of one workspace cannot delete another'
);
select lives_ok(
  format('delete from public.tenants where id = %L', pg_temp.saga()),
  'an owner deletes a shared workspace, though that removes its last owner too'
);

select tests.clear_authentication();
select is_empty(
  format('select 1 from public.memberships where tenant_id = %L', pg_temp.saga()),
  'the deleted workspace''s memberships went with it'
);
select is(
  (select last_tenant_id from public.profiles where id = pg_temp.uid('roles-olga@pgtap.test')),
  null,
  'nobody is left pointing at the deleted workspace'
);
select is(
  (select count(*)::int from public.tenants where created_by = pg_temp.uid('roles-olga@pgtap.test')),
  1,
  'Olga keeps her personal workspace'
);

select * from finish();
rollback;

-- Workspace mates see each other's names through public.workspace_members, and nothing
-- else of each other's profiles: language and the workspace someone opened last (which
-- may be a personal one) stay private. The app's own queries keep working as written.
begin;
select plan(14);

select tests.create_user('members-lia@pgtap.test', '{"display_name": "Lia"}');
select tests.create_user('members-rui@pgtap.test', '{"display_name": "Rui", "locale": "en"}');
select tests.create_user('members-sam@pgtap.test', '{"display_name": "Sam"}');

create function pg_temp.uid(email text) returns uuid language sql stable as $$ select tests.get_user_id(email) $$;
create function pg_temp.lume() returns uuid language sql stable as $$ select current_setting('tests.lume')::uuid $$;

select tests.authenticate_as('members-lia@pgtap.test');
select set_config('tests.lume', public.create_workspace('Lume')::text, true);

-- Rui joins Lume as an accepted invitation will add him, and opens his personal workspace.
select tests.clear_authentication();
insert into public.memberships (tenant_id, user_id, role) values (pg_temp.lume(), pg_temp.uid('members-rui@pgtap.test'), 'writer');
update public.profiles set last_tenant_id = tests.personal_tenant_id('members-rui@pgtap.test')
where id = pg_temp.uid('members-rui@pgtap.test');

select tests.authenticate_as('members-lia@pgtap.test');

-- The app's queries, verbatim (with $1 filled in) ------------------------------------------------

select results_eq(
  $$select id, display_name as "displayName", locale, last_tenant_id as "lastTenantId" from public.profiles where id = (select auth.uid())$$,
  format('values (%L::uuid, %L::text, null::text, %L::uuid)', pg_temp.uid('members-lia@pgtap.test'), 'Lia', pg_temp.lume()),
  'the app reads the caller''s own profile, last workspace included'
);
select results_eq(
  format($$update public.profiles set last_tenant_id = %L where id = (select auth.uid()) and last_tenant_id is distinct from %L returning last_tenant_id$$,
         tests.personal_tenant_id('members-lia@pgtap.test'), tests.personal_tenant_id('members-lia@pgtap.test')),
  array[tests.personal_tenant_id('members-lia@pgtap.test')],
  'the app remembers the workspace the caller opened'
);
select results_eq(
  format($$select m.user_id, coalesce(m.display_name, '—'), m.role from public.workspace_members m where m.tenant_id = %L
           order by case m.role when 'owner' then 0 when 'admin' then 1 else 2 end, lower(m.display_name)$$, pg_temp.lume()),
  format('values (%L::uuid, %L::text, %L::text), (%L::uuid, %L::text, %L::text)',
         pg_temp.uid('members-lia@pgtap.test'), 'Lia', 'owner', pg_temp.uid('members-rui@pgtap.test'), 'Rui', 'writer'),
  'the members list shows every member''s name and role'
);

-- What a workspace mate can and cannot see ------------------------------------------------------

select is_empty(
  format('select 1 from public.profiles where id = %L', pg_temp.uid('members-rui@pgtap.test')),
  'Lia cannot read Rui''s profile row'
);
select is_empty(
  format('select last_tenant_id from public.profiles where last_tenant_id = %L', tests.personal_tenant_id('members-rui@pgtap.test')),
  'so she cannot learn which workspace Rui opened last'
);
select is_empty(
  format('select 1 from public.workspace_members where tenant_id = %L', tests.personal_tenant_id('members-rui@pgtap.test')),
  'nor who belongs to Rui''s personal workspace'
);
select is_empty(
  format('select 1 from public.workspace_members where user_id = %L', pg_temp.uid('members-sam@pgtap.test')),
  'someone Lia shares no workspace with is invisible'
);
select is(
  (select array_agg(display_name order by display_name) from private.co_member_profiles()),
  array['Lia', 'Rui'],
  'the private helper behind the view names only the caller''s workspace mates'
);

select tests.authenticate_as('members-sam@pgtap.test');
select is(
  (select array_agg(display_name order by display_name) from public.workspace_members),
  array['Sam'],
  'a stranger sees only their own membership'
);
select is(
  (select array_agg(display_name) from private.co_member_profiles()),
  array['Sam'],
  'and the helper gives a stranger no one else''s name'
);

-- Leaving ends it -------------------------------------------------------------------------------

select tests.authenticate_as('members-rui@pgtap.test');
select lives_ok(
  format('delete from public.memberships where tenant_id = %L and user_id = (select auth.uid())', pg_temp.lume()),
  'Rui leaves Lume'
);
select tests.authenticate_as('members-lia@pgtap.test');
select is(
  (select array_agg(display_name) from public.workspace_members where tenant_id = pg_temp.lume()),
  array['Lia'],
  'after Rui leaves, Lia no longer sees him among the members'
);
select is(
  (select array_agg(display_name) from private.co_member_profiles()),
  array['Lia'],
  'nor his name anywhere'
);

select tests.authenticate_as_anon();
select throws_ok(
  'select * from public.workspace_members', '42501', 'permission denied for view workspace_members',
  'anon cannot read workspace members'
);

select * from finish();
rollback;

-- A person edits their own profile (name, language, the workspace to open) within the
-- rules, and nobody else's.
begin;
select plan(18);

select tests.create_user('profile-lia@pgtap.test', '{"display_name": "Lia"}');
select tests.create_user('profile-rui@pgtap.test', '{"display_name": "Rui"}');

create function pg_temp.uid(email text) returns uuid language sql stable as $$ select tests.get_user_id(email) $$;

select tests.authenticate_as('profile-lia@pgtap.test');

select lives_ok(
  format('update public.profiles set display_name = %L, locale = %L where id = %L', '  Lia Prado ', 'en', pg_temp.uid('profile-lia@pgtap.test')),
  'a person changes their display name and language'
);
select results_eq(
  format('select display_name, locale from public.profiles where id = %L', pg_temp.uid('profile-lia@pgtap.test')),
  $$values ('Lia Prado'::text, 'en'::text)$$,
  'the new name is stored trimmed'
);
select lives_ok(
  format('update public.profiles set locale = null where id = %L', pg_temp.uid('profile-lia@pgtap.test')),
  'a person goes back to following the browser''s language'
);
select throws_ok(
  format('update public.profiles set locale = %L where id = %L', 'fr', pg_temp.uid('profile-lia@pgtap.test')),
  '23514', 'new row for relation "profiles" violates check constraint "profiles_locale_check"',
  'only pt-BR and en are languages FlowStory speaks'
);
select throws_ok(
  format('update public.profiles set display_name = %L where id = %L', '   ', pg_temp.uid('profile-lia@pgtap.test')),
  '23514', 'Display name cannot be empty',
  'a blank display name is refused'
);
select throws_ok(
  format('update public.profiles set display_name = %L where id = %L', repeat('a', 81), pg_temp.uid('profile-lia@pgtap.test')),
  '23514', 'Display name must be at most 80 characters',
  'an 81-character display name is refused'
);
select is(
  tests.error_of(format('update public.profiles set display_name = %L where id = %L', '', pg_temp.uid('profile-lia@pgtap.test')))
    ->> 'constraint',
  'profiles_display_name_check',
  'a bad display name names the profiles_display_name_check rule'
);
select throws_ok(
  format('update public.profiles set id = %L where id = %L', gen_random_uuid(), pg_temp.uid('profile-lia@pgtap.test')),
  '42501', 'permission denied for table profiles',
  'a profile cannot be moved to another account'
);

-- last_tenant_id -------------------------------------------------------------------------------

select set_config('tests.lume', public.create_workspace('Lume')::text, true);
select lives_ok(
  format('update public.profiles set last_tenant_id = %L where id = %L',
         tests.personal_tenant_id('profile-lia@pgtap.test'), pg_temp.uid('profile-lia@pgtap.test')),
  'a person chooses one of their workspaces to open next time'
);
select lives_ok(
  format('update public.profiles set last_tenant_id = null where id = %L', pg_temp.uid('profile-lia@pgtap.test')),
  'or none'
);
select throws_ok(
  format('update public.profiles set last_tenant_id = %L where id = %L',
         tests.personal_tenant_id('profile-rui@pgtap.test'), pg_temp.uid('profile-lia@pgtap.test')),
  '42501', 'new row violates row-level security policy for table "profiles"',
  'but not a workspace they do not belong to'
);
select throws_ok(
  format('update public.profiles set last_tenant_id = %L where id = %L', gen_random_uuid(), pg_temp.uid('profile-lia@pgtap.test')),
  '42501', 'new row violates row-level security policy for table "profiles"',
  'nor one that does not exist'
);

-- Sharing a workspace shares names, not settings ------------------------------------------------

select is_empty(
  format('select 1 from public.workspace_members where user_id = %L', pg_temp.uid('profile-rui@pgtap.test')),
  'before sharing a workspace, Lia cannot see Rui at all'
);
select throws_ok(
  format('insert into public.memberships (tenant_id, user_id, role) values (%L, %L, %L)',
         current_setting('tests.lume'), pg_temp.uid('profile-rui@pgtap.test'), 'writer'),
  '42501', 'permission denied for table memberships',
  'Lia cannot add Rui to Lume without his consent'
);
-- Rui joins Lume as an accepted invitation will add him.
select tests.clear_authentication();
insert into public.memberships (tenant_id, user_id, role)
values (current_setting('tests.lume')::uuid, pg_temp.uid('profile-rui@pgtap.test'), 'writer');
update public.profiles set locale = 'en' where id = pg_temp.uid('profile-rui@pgtap.test');

select tests.authenticate_as('profile-lia@pgtap.test');
select is(
  (select display_name from public.workspace_members where tenant_id = current_setting('tests.lume')::uuid and user_id = pg_temp.uid('profile-rui@pgtap.test')),
  'Rui',
  'now Lia sees Rui''s name in Lume'
);
select is_empty(
  format('select 1 from public.profiles where id = %L', pg_temp.uid('profile-rui@pgtap.test')),
  'but not his profile row: his language and the workspace he used last stay his'
);
select tests.authenticate_as('profile-rui@pgtap.test');
select is(
  (select display_name from public.workspace_members where tenant_id = current_setting('tests.lume')::uuid and user_id = pg_temp.uid('profile-lia@pgtap.test')),
  'Lia Prado',
  'and Rui sees Lia''s name'
);
select is_empty(
  format('select last_tenant_id, locale from public.profiles where id = %L', pg_temp.uid('profile-lia@pgtap.test')),
  'but not which workspace Lia opened last, nor her language'
);

select * from finish();
rollback;

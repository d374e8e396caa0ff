-- Signing up (one auth.users row, as GoTrue writes it) gives the person a profile, a
-- personal workspace named in their language, ownership of it, and opens it next time.
begin;
select plan(24);

select tests.create_user('signup-ana@pgtap.test', '{"display_name": "  Ana Souza ", "locale": "pt-BR"}');
select tests.create_user('signup-bruno@pgtap.test', '{"display_name": "Bruno", "locale": "en"}');
select tests.create_user('carla.dias@pgtap.test');
select tests.create_user('signup-dora@pgtap.test', '{"display_name": "   ", "locale": "fr"}');
select tests.create_user('signup-long@pgtap.test', jsonb_build_object('display_name', repeat('Ééé', 40), 'locale', 'en'));
select tests.create_user('signup-lines@pgtap.test', jsonb_build_object('display_name', E'Eva\nLima\t'));

-- Profile -------------------------------------------------------------------------------

select results_eq(
  format('select display_name, locale from public.profiles where id = %L', tests.get_user_id('signup-ana@pgtap.test')),
  $$values ('Ana Souza'::text, 'pt-BR'::text)$$,
  'the profile takes the trimmed display name and the locale from the sign-up metadata'
);
select results_eq(
  format('select display_name, locale from public.profiles where id = %L', tests.get_user_id('carla.dias@pgtap.test')),
  $$values ('carla.dias'::text, null::text)$$,
  'without a display name the profile uses the email''s local part, and a missing locale means "follow the browser"'
);
select results_eq(
  format('select display_name, locale from public.profiles where id = %L', tests.get_user_id('signup-dora@pgtap.test')),
  $$values ('signup-dora'::text, null::text)$$,
  'a blank display name falls back to the email, and an unsupported locale is ignored'
);
select is(
  (select char_length(display_name) from public.profiles where id = tests.get_user_id('signup-long@pgtap.test')),
  80,
  'an over-long display name is cut to 80 characters instead of failing the sign-up'
);
select is(
  (select display_name from public.profiles where id = tests.get_user_id('signup-lines@pgtap.test')),
  'Eva Lima',
  'line breaks and tabs in the display name become spaces'
);

-- Personal workspace -----------------------------------------------------------------------

select is(
  (select name from public.tenants where id = tests.personal_tenant_id('signup-ana@pgtap.test')),
  'Espaço de Ana Souza',
  'a Portuguese speaker gets "Espaço de <name>"'
);
select is(
  (select name from public.tenants where id = tests.personal_tenant_id('signup-bruno@pgtap.test')),
  'Bruno''s workspace',
  'an English speaker gets "<name>''s workspace"'
);
select is(
  (select name from public.tenants where id = tests.personal_tenant_id('carla.dias@pgtap.test')),
  'Espaço de carla.dias',
  'without a locale the workspace is named in Portuguese, FlowStory''s first language'
);
select ok(
  (select char_length(name) <= 80 and name like '%''s workspace'
   from public.tenants where id = tests.personal_tenant_id('signup-long@pgtap.test')),
  'a workspace named after a long name still fits in 80 characters and keeps its suffix'
);

select results_eq(
  format('select personal, plan, created_by from public.tenants where id = %L', tests.personal_tenant_id('signup-ana@pgtap.test')),
  format('values (true, %L::text, %L::uuid)', 'free', tests.get_user_id('signup-ana@pgtap.test')),
  'the workspace is personal, on the free plan, and created by the new user'
);
select is(
  (select count(*)::int from public.tenants where created_by = tests.get_user_id('signup-ana@pgtap.test')),
  1,
  'sign-up creates exactly one workspace'
);
select results_eq(
  format('select tenant_id, role from public.memberships where user_id = %L', tests.get_user_id('signup-ana@pgtap.test')),
  format('values (%L::uuid, %L::text)', tests.personal_tenant_id('signup-ana@pgtap.test'), 'owner'),
  'the new user owns their personal workspace and belongs to nothing else'
);
select is(
  (select last_tenant_id from public.profiles where id = tests.get_user_id('signup-ana@pgtap.test')),
  tests.personal_tenant_id('signup-ana@pgtap.test'),
  'the app will open the personal workspace on first sign-in'
);

-- As the new user ---------------------------------------------------------------------------

select tests.authenticate_as('signup-bruno@pgtap.test');
select results_eq(
  'select name, personal from public.tenants',
  $$values ('Bruno''s workspace'::text, true)$$,
  'the new user sees their personal workspace'
);
select is(
  private.has_tenant_role(tests.personal_tenant_id('signup-bruno@pgtap.test'), array['owner']),
  true,
  'and holds the owner role there'
);
select is_empty(
  format('delete from public.tenants where id = %L returning 1', tests.personal_tenant_id('signup-bruno@pgtap.test')),
  'a personal workspace cannot be deleted by its owner'
);
select throws_ok(
  format('delete from public.memberships where tenant_id = %L', tests.personal_tenant_id('signup-bruno@pgtap.test')),
  'P0001', 'A workspace must keep at least one owner',
  'nor can its owner leave it'
);
select tests.clear_authentication();

-- Failure leaves nothing half-made ------------------------------------------------------------

-- Make the profile insert fail for one particular name, as any unexpected error would.
alter table public.profiles add constraint test_reject_boom check (display_name <> 'Boom');

select throws_ok(
  $$select tests.create_user('signup-boom@pgtap.test', '{"display_name": "Boom"}')$$,
  '23514', null,
  'a failure while setting up the account fails the sign-up itself'
);
select is_empty(
  $$select 1 from auth.users where email = 'signup-boom@pgtap.test'$$,
  'no account is left behind'
);
select is_empty(
  $$select 1 from public.tenants where name = 'Espaço de Boom'$$,
  'no workspace is left behind'
);
select is_empty(
  $$select 1 from public.memberships m left join public.tenants t on t.id = m.tenant_id where t.id is null$$,
  'no membership is left behind'
);

select lives_ok(
  $$select tests.create_user('second@pgtap.test', '{"display_name": "Ana Souza", "locale": "pt-BR"}')$$,
  'two people may share a display name (and so a workspace name)'
);
select is(
  (select count(*)::int from public.tenants where name = 'Espaço de Ana Souza'),
  2,
  'each of them got their own workspace'
);

select is(
  (select count(*)::int from public.profiles p
   where p.id in (select id from auth.users where email like '%@pgtap.test')),
  (select count(*)::int from auth.users where email like '%@pgtap.test'),
  'every account created here has a profile'
);

select * from finish();
rollback;

-- The schema's safety rules, checked over every table and function in public and private,
-- so a table or function added later is covered without touching this file.
begin;
select plan(34);

-- Row-level security everywhere ---------------------------------------------------------

select is(
  array(
    select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity
    order by 1
  ),
  '{}'::text[],
  'every table in public has row-level security enabled'
);

select ok(
  (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
   where n.nspname = 'public' and c.relkind in ('r', 'p')) >= 3,
  'the check above actually looked at the tables in public'
);

select is(
  array(
    select tablename || ': ' || policyname from pg_policies
    where schemaname = 'public' and roles && array['anon', 'public']::name[]
    order by 1
  ),
  '{}'::text[],
  'no policy in public applies to anon (or to every role)'
);

select is(
  array(
    select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f')
      and (has_table_privilege('anon', c.oid, 'select, insert, update, delete, truncate, references, trigger')
           or has_any_column_privilege('anon', c.oid, 'select, insert, update, references'))
    order by 1
  ),
  '{}'::text[],
  'anon holds no privilege on any table or view in public'
);

-- A view runs its queries as its owner unless told otherwise, which would skip the row-level
-- security of every table it reads. Views in public must run as the caller.
select is(
  array(
    select c.relname::text from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'v'
      and not coalesce(c.reloptions @> array['security_invoker=true'], false)
    order by 1
  ),
  '{}'::text[],
  'every view in public runs with the caller''s privileges and policies (security_invoker)'
);

-- Every foreign key has an index leading with its columns --------------------------------

select is(
  array(
    select format('%s (%s)', c.conrelid::regclass, (
             select string_agg(a.attname, ', ') from pg_attribute a
             where a.attrelid = c.conrelid and a.attnum = any (c.conkey)))
    from pg_constraint c join pg_namespace n on n.oid = c.connamespace
    where c.contype = 'f' and n.nspname = 'public'
      and not exists (
        select 1 from pg_index i
        where i.indrelid = c.conrelid
          and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
          and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
      )
    order by 1
  ),
  '{}'::text[],
  'every foreign key in public is covered by an index'
);

-- Functions --------------------------------------------------------------------------------

select is(
  array(
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname in ('public', 'private') and p.prosecdef
      and not coalesce(p.proconfig @> array['search_path=""'], false)
    order by 1
  ),
  '{}'::text[],
  'every security definer function in public and private sets search_path = '''''
);

select is(
  array(
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private' and has_function_privilege('anon', p.oid, 'execute')
    order by 1
  ),
  '{}'::text[],
  'anon can execute no function in private'
);

select ok(not has_schema_privilege('anon', 'private', 'usage'), 'anon cannot use the private schema');

select is(
  array(
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and has_function_privilege('anon', p.oid, 'execute')
      and p.prorettype <> 'trigger'::regtype
      -- extensions installed into public (none today) bring their own grants
      and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
    order by 1
  ),
  '{}'::text[],
  'anon can execute no function in public'
);

select is(
  array(
    select p.oid::regprocedure::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'private' and has_function_privilege('authenticated', p.oid, 'execute')
    order by 1
  ),
  array[
    'private.can_manage_member(uuid,text)',
    'private.co_member_profiles()',
    'private.has_tenant_role(uuid,text[])',
    'private.trim_whitespace(text)',
    'private.user_tenant_ids()'
  ],
  'authenticated can execute only the private helpers its policies and triggers call'
);

-- The contract the app and the Edge Functions are written against ---------------------------

select columns_are('public', 'tenants',
  array['id', 'name', 'personal', 'plan', 'created_by', 'created_at', 'updated_at'],
  'tenants has the agreed columns');
select columns_are('public', 'memberships',
  array['tenant_id', 'user_id', 'role', 'created_at'],
  'memberships has the agreed columns');
select columns_are('public', 'profiles',
  array['id', 'display_name', 'locale', 'last_tenant_id', 'created_at', 'updated_at'],
  'profiles has the agreed columns');

select columns_are('public', 'workspace_members',
  array['tenant_id', 'user_id', 'role', 'display_name', 'created_at'],
  'workspace_members has the agreed columns (names only, no settings)');

-- Members join only by accepting an invitation (a security-definer function), never by a
-- direct insert: otherwise an owner could add anyone, unasked, and read their profile.
select ok(
  not has_table_privilege('authenticated', 'public.memberships', 'insert')
  and not has_any_column_privilege('authenticated', 'public.memberships', 'insert'),
  'authenticated cannot insert memberships'
);
select is(
  array(select policyname::text from pg_policies
        where schemaname = 'public' and tablename = 'memberships' and cmd in ('INSERT', 'ALL')),
  '{}'::text[],
  'no policy lets anyone insert memberships'
);

-- One trigger function trims and checks every user-typed name.
select is(
  array(
    select format('%s.%s -> %s', (select c.relname from pg_class c where c.oid = t.tgrelid), t.tgname, t.tgfoid::regproc)
    from pg_trigger t
    where t.tgname in ('tenants_normalize_name', 'profiles_normalize_display_name')
    order by 1
  ),
  array[
    'profiles.profiles_normalize_display_name -> private.normalize_name',
    'tenants.tenants_normalize_name -> private.normalize_name'
  ],
  'workspace names and display names are checked by the same function'
);
select hasnt_function('private', 'normalize_tenant_name', 'the workspace-only name check is gone');
select hasnt_function('private', 'normalize_display_name', 'the display-name-only check is gone');

select col_is_pk('public', 'tenants', 'id', 'tenants is keyed by id');
select col_is_pk('public', 'memberships', array['tenant_id', 'user_id'], 'memberships is keyed by (tenant_id, user_id)');
select col_is_pk('public', 'profiles', 'id', 'profiles is keyed by the user id');
select fk_ok('public', 'profiles', 'id', 'auth', 'users', 'id', 'a profile belongs to an account');
select fk_ok('public', 'memberships', 'tenant_id', 'public', 'tenants', 'id', 'a membership belongs to a workspace');
select fk_ok('public', 'memberships', 'user_id', 'auth', 'users', 'id', 'a membership belongs to an account');
select col_default_is('public', 'tenants', 'plan', 'free'::text, 'new workspaces are on the free plan');
select col_default_is('public', 'tenants', 'personal', false, 'new workspaces are shared unless made at sign-up');

select function_returns('public', 'create_workspace', array['text'], 'uuid', 'public.create_workspace(name text) returns uuid');
select function_returns('private', 'user_tenant_ids', array[]::text[], 'setof uuid', 'private.user_tenant_ids() returns setof uuid');
select function_returns('private', 'has_tenant_role', array['uuid', 'text[]'], 'boolean', 'private.has_tenant_role(uuid, text[]) returns boolean');
select is_definer('public', 'create_workspace', array['text'], 'create_workspace is security definer');

select has_trigger('auth', 'users', 'on_auth_user_created', 'signing up runs the new-user trigger');
select has_trigger('auth', 'users', 'on_auth_user_deleting', 'deleting an account settles its workspaces first');

select * from finish();
rollback;

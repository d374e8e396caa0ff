-- Tenancy: workspaces (`tenants`) and who belongs to them (`memberships`), the private
-- helpers every row-level security policy reads membership through, and the rule that a
-- workspace always keeps an owner. See docs/decisions/004-tenancy-model.md.

-- ---------------------------------------------------------------------------------------
-- Privileges by default
-- ---------------------------------------------------------------------------------------

-- Supabase grants every new table and function in public to anon. FlowStory has no data
-- a signed-out visitor may read or write, so new objects start closed to anon; a table
-- that ever needs anon access must grant it explicitly (and say why).
alter default privileges for role postgres in schema public revoke all on tables from anon;
alter default privileges for role postgres in schema public revoke all on sequences from anon;
alter default privileges for role postgres in schema public revoke all on functions from anon;
-- Postgres still lets PUBLIC execute every new function, and a per-schema default cannot
-- take that away, so each function below revokes it explicitly (01-schema.test.sql checks).

-- Helpers live outside the exposed API schemas: PostgREST never serves `private`, and only
-- the roles whose policies call into it may use it.
create schema if not exists private;
revoke all on schema private from public, anon;
grant usage on schema private to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Shared trigger functions
-- ---------------------------------------------------------------------------------------

create function private.set_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

-- Trims surrounding whitespace (spaces, tabs, line breaks) so "  Saga " and "Saga" are
-- the same name.
create function private.trim_whitespace(value text)
returns text
language sql
immutable
set search_path = ''
as $$
  select regexp_replace(value, '^[[:space:]]+|[[:space:]]+$', '', 'g')
$$;

-- ---------------------------------------------------------------------------------------
-- tenants (workspaces)
-- ---------------------------------------------------------------------------------------

create table public.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  personal boolean not null default false,
  plan text not null default 'free',
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint tenants_name_check check (
    char_length(name) between 1 and 80
    and name !~ '^[[:space:]]|[[:space:]]$'
    and name !~ '[[:cntrl:]]'
  ),
  constraint tenants_plan_check check (plan in ('free', 'pro', 'team'))
);

comment on table public.tenants is 'Workspaces. Every tenant table carries tenant_id and is scoped by membership.';
comment on column public.tenants.personal is 'Created at sign-up for one person; cannot be deleted directly and goes when its creator is deleted.';
comment on column public.tenants.plan is 'Billing plan; written only by the service role (Stripe webhooks).';

create index tenants_created_by_idx on public.tenants (created_by);

-- One place decides what a valid workspace name is, for create_workspace and for a
-- rename alike, with a message a person can act on. The check constraint stays as the
-- last line of defence for anything that bypasses triggers.
create function private.normalize_tenant_name()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.name := private.trim_whitespace(new.name);
  if new.name is null or new.name = '' then
    raise exception 'Workspace name cannot be empty'
      using errcode = 'check_violation', constraint = 'tenants_name_check',
            hint = 'Give the workspace a name of 1 to 80 characters.';
  elsif char_length(new.name) > 80 then
    raise exception 'Workspace name must be at most 80 characters'
      using errcode = 'check_violation', constraint = 'tenants_name_check',
            hint = 'Give the workspace a name of 1 to 80 characters.';
  elsif new.name ~ '[[:cntrl:]]' then
    raise exception 'Workspace name cannot contain line breaks or control characters'
      using errcode = 'check_violation', constraint = 'tenants_name_check';
  end if;
  return new;
end
$$;

create trigger tenants_normalize_name
  before insert or update of name on public.tenants
  for each row execute function private.normalize_tenant_name();

create trigger tenants_set_updated_at
  before update on public.tenants
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------
-- memberships
-- ---------------------------------------------------------------------------------------

create table public.memberships (
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id),
  constraint memberships_role_check check (role in ('owner', 'admin', 'writer'))
);

comment on table public.memberships is 'Who belongs to which workspace, and as what: owner, admin or writer.';

-- tenant_id is covered by the primary key; user_id answers "my workspaces".
create index memberships_user_id_idx on public.memberships (user_id);

-- ---------------------------------------------------------------------------------------
-- Membership helpers for policies. Security definer so a policy on memberships can read
-- memberships without recursing into its own policy; search_path is empty so nothing a
-- caller creates can shadow the names inside.
-- ---------------------------------------------------------------------------------------

create function private.user_tenant_ids()
returns setof uuid
language sql
stable
security definer
set search_path = ''
as $$
  select m.tenant_id
  from public.memberships m
  where m.user_id = (select auth.uid())
$$;

comment on function private.user_tenant_ids() is 'Workspaces the calling user (auth.uid()) belongs to. Use as: tenant_id in (select private.user_tenant_ids()).';

create function private.has_tenant_role(tenant_id uuid, roles text[])
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.memberships m
    where m.tenant_id = has_tenant_role.tenant_id
      and m.user_id = (select auth.uid())
      and m.role = any (has_tenant_role.roles)
  )
$$;

comment on function private.has_tenant_role(uuid, text[]) is 'Whether the calling user holds one of the roles in the workspace.';

-- Owners manage every membership; admins manage admins and writers but can neither grant
-- nor take away ownership (an owner's row is out of their reach, and so is the owner role).
create function private.can_manage_member(tenant_id uuid, member_role text)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select exists (
    select 1
    from public.memberships m
    where m.tenant_id = can_manage_member.tenant_id
      and m.user_id = (select auth.uid())
      and (m.role = 'owner' or (m.role = 'admin' and can_manage_member.member_role <> 'owner'))
  )
$$;

comment on function private.can_manage_member(uuid, text) is 'Whether the calling user may add, change or remove a membership with this role in the workspace.';

revoke all on function private.set_updated_at(), private.trim_whitespace(text), private.normalize_tenant_name(),
  private.user_tenant_ids(), private.has_tenant_role(uuid, text[]), private.can_manage_member(uuid, text)
  from public, anon, authenticated;
grant execute on function private.user_tenant_ids(), private.has_tenant_role(uuid, text[]),
  private.can_manage_member(uuid, text)
  to authenticated, service_role;
-- The name triggers run as the writing user and call it; it only trims text.
grant execute on function private.trim_whitespace(text) to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- A workspace always keeps an owner
-- ---------------------------------------------------------------------------------------

-- Runs after the statement's rows changed, so a statement that swaps owners in one go
-- passes. Deleting the whole workspace still works: its memberships go by cascade after
-- the tenant row is gone, and a workspace that no longer exists needs no owner.
create function private.ensure_workspace_keeps_owner()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  if old.role <> 'owner' then
    return null;
  end if;
  if tg_op = 'UPDATE' and new.role = 'owner' and new.tenant_id = old.tenant_id then
    return null;
  end if;
  -- Lock the workspace so two concurrent demotions cannot both see "another owner left".
  perform 1 from public.tenants t where t.id = old.tenant_id for update;
  if not found then
    return null;
  end if;
  if not exists (
    select 1 from public.memberships m where m.tenant_id = old.tenant_id and m.role = 'owner'
  ) then
    raise exception 'A workspace must keep at least one owner'
      using errcode = 'P0001', constraint = 'memberships_last_owner',
            detail = format('Workspace %s would be left without an owner.', old.tenant_id),
            hint = 'Make another member an owner first, or delete the workspace.';
  end if;
  return null;
end
$$;

revoke all on function private.ensure_workspace_keeps_owner() from public, anon, authenticated;

create trigger memberships_keep_owner
  after update or delete on public.memberships
  for each row execute function private.ensure_workspace_keeps_owner();

-- ---------------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------------

alter table public.tenants enable row level security;
alter table public.memberships enable row level security;

revoke all on public.tenants, public.memberships from anon, authenticated;
grant all on public.tenants, public.memberships to service_role;

-- Workspaces are created through public.create_workspace(); a user may rename one and
-- delete one, nothing else (plan and personal are the service's to set).
grant select, delete on public.tenants to authenticated;
grant update (name) on public.tenants to authenticated;

-- A membership's workspace and person never change; only the role does.
grant select, delete on public.memberships to authenticated;
grant insert (tenant_id, user_id, role) on public.memberships to authenticated;
grant update (role) on public.memberships to authenticated;

create policy "Members see their workspaces"
  on public.tenants for select to authenticated
  using (id in (select private.user_tenant_ids()));

create policy "Owners and admins rename workspaces"
  on public.tenants for update to authenticated
  using (private.has_tenant_role(id, array['owner', 'admin']))
  with check (private.has_tenant_role(id, array['owner', 'admin']));

create policy "Owners delete shared workspaces"
  on public.tenants for delete to authenticated
  using (not personal and private.has_tenant_role(id, array['owner']));

create policy "Members see who belongs to their workspaces"
  on public.memberships for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));

create policy "Owners and admins add members"
  on public.memberships for insert to authenticated
  with check (private.can_manage_member(tenant_id, role));

create policy "Owners and admins change roles"
  on public.memberships for update to authenticated
  using (private.can_manage_member(tenant_id, role))
  with check (private.can_manage_member(tenant_id, role));

create policy "Owners and admins remove members, and anyone may leave"
  on public.memberships for delete to authenticated
  using (user_id = (select auth.uid()) or private.can_manage_member(tenant_id, role));

-- Workspace mates see each other's names, not each other's settings. Row-level security
-- cannot hide columns for some rows only, and a profile row carries the person's language
-- and the workspace they opened last (possibly their personal one). So a profile row is
-- now visible to its owner alone, and names reach workspace mates through the view
-- public.workspace_members: the memberships the caller may see (memberships' own policy
-- decides, because the view runs as the caller), each with the member's display name.
-- See docs/decisions/004-tenancy-model.md.

drop policy "People see their own profile and their workspace mates'" on public.profiles;

create policy "People see their own profile"
  on public.profiles for select to authenticated
  using (id = (select auth.uid()));

-- The names of the caller's workspace mates (the caller included), and nothing else of
-- their profiles. Security definer because profiles' policy no longer lets the caller read
-- those rows; it answers only for auth.uid(), so the service role (no user) gets nobody.
-- PL/pgSQL for a cached plan, like the other set-returning helpers.
create function private.co_member_profiles()
returns table (id uuid, display_name text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select p.id, p.display_name
    from public.profiles p
    where p.id in (select private.co_member_ids());
end
$$;

comment on function private.co_member_profiles() is 'Id and display name of everyone who shares a workspace with the calling user, the caller included.';

revoke all on function private.co_member_profiles() from public, anon, authenticated;
grant execute on function private.co_member_profiles() to authenticated, service_role;
-- No policy calls co_member_ids() any more; only the definer functions above use it.
revoke execute on function private.co_member_ids() from authenticated;

create view public.workspace_members
with (security_invoker = true)
as
  select m.tenant_id, m.user_id, m.role, names.display_name, m.created_at
  from public.memberships m
  left join private.co_member_profiles() names on names.id = m.user_id;

comment on view public.workspace_members is 'Members of the workspaces the caller belongs to, with their display names. Runs as the caller, so memberships'' policy decides the rows.';

revoke all on public.workspace_members from anon, authenticated;
grant select on public.workspace_members to authenticated, service_role;

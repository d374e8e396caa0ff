-- Nobody joins a workspace without saying yes. Owners and admins could insert a membership
-- for any user id, unasked, and then read that person's profile. Users now hold no INSERT
-- on memberships at all; members will join by accepting an invitation, through a
-- security-definer function that arrives with the members feature. Owners and admins keep
-- changing roles and removing members, and anyone may still leave (except a last owner).
-- See docs/decisions/004-tenancy-model.md.

drop policy "Owners and admins add members" on public.memberships;

-- The earlier grant was column-level, so revoke it column by column as well as the table's.
revoke insert on public.memberships from authenticated;
revoke insert (tenant_id, user_id, role) on public.memberships from authenticated;

comment on function private.can_manage_member(uuid, text) is 'Whether the calling user may change or remove a membership with this role in the workspace.';

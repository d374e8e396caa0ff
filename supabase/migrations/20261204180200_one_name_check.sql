-- Workspace names and display names were trimmed and checked by two copies of the same
-- trigger function. One function now does both; each trigger passes what differs:
--   tg_argv[0] the column, [1] the label in messages, [2] the constraint to name, [3] the hint.
-- Messages, SQLSTATE (23514), constraint names and hints are unchanged; the app relies on them.

create function private.normalize_name()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  name_column text := tg_argv[0];
  label text := tg_argv[1];
  rule text := tg_argv[2];
  length_hint text := tg_argv[3];
  value text;
begin
  if tg_nargs <> 4 then
    raise exception 'private.normalize_name() needs 4 trigger arguments (column, label, constraint, hint), got %', tg_nargs;
  end if;
  -- The column is named by the trigger, so read and write it through jsonb; only that
  -- one column is replaced in the row.
  value := private.trim_whitespace(to_jsonb(new) ->> name_column);
  if value is null or value = '' then
    raise exception '% cannot be empty', label
      using errcode = 'check_violation', constraint = rule, hint = length_hint;
  elsif char_length(value) > 80 then
    raise exception '% must be at most 80 characters', label
      using errcode = 'check_violation', constraint = rule, hint = length_hint;
  elsif value ~ '[[:cntrl:]]' then
    raise exception '% cannot contain line breaks or control characters', label
      using errcode = 'check_violation', constraint = rule;
  end if;
  new := jsonb_populate_record(new, jsonb_build_object(name_column, value));
  return new;
end
$$;

comment on function private.normalize_name() is 'Trigger: trims a user-typed name and checks it (1 to 80 characters, no control characters). Arguments: column, label, constraint name, hint.';

revoke all on function private.normalize_name() from public, anon, authenticated;

drop trigger tenants_normalize_name on public.tenants;
create trigger tenants_normalize_name
  before insert or update of name on public.tenants
  for each row execute function private.normalize_name(
    'name', 'Workspace name', 'tenants_name_check', 'Give the workspace a name of 1 to 80 characters.');

drop trigger profiles_normalize_display_name on public.profiles;
create trigger profiles_normalize_display_name
  before insert or update of display_name on public.profiles
  for each row execute function private.normalize_name(
    'display_name', 'Display name', 'profiles_display_name_check', 'Use 1 to 80 characters.');

drop function private.normalize_tenant_name();
drop function private.normalize_display_name();

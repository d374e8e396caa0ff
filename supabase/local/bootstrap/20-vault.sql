-- Platform bootstrap, part 3: Supabase Vault's SQL surface (vault.secrets,
-- vault.decrypted_secrets, vault.create_secret, vault.update_secret). On Supabase the
-- encryption key lives outside the database; here it is a random key generated once and
-- kept in a table that only the superuser can read, and pgcrypto does the encryption.

create schema if not exists vault;
revoke all on schema vault from public;
grant usage on schema vault to postgres, service_role;

create table if not exists vault.root_key (
  singleton boolean primary key default true check (singleton),
  key bytea not null
);
revoke all on vault.root_key from public, anon, authenticated, service_role;
insert into vault.root_key (key)
select extensions.gen_random_bytes(32)
where not exists (select 1 from vault.root_key);

create table if not exists vault.secrets (
  id uuid primary key default extensions.gen_random_uuid(),
  name text,
  description text not null default '',
  secret text not null,
  key_id uuid,
  nonce bytea default extensions.gen_random_bytes(12),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index if not exists secrets_name_idx on vault.secrets (name) where name is not null;
revoke all on vault.secrets from public, anon, authenticated;
grant select, delete on vault.secrets to service_role;

create or replace function vault._encrypt(plain text) returns text
language sql security definer set search_path = ''
as $$
  select encode(extensions.pgp_sym_encrypt(plain, encode((select key from vault.root_key), 'hex')), 'base64')
$$;

create or replace function vault._decrypt(cipher text) returns text
language sql security definer set search_path = ''
as $$
  select extensions.pgp_sym_decrypt(decode(cipher, 'base64'), encode((select key from vault.root_key), 'hex'))
$$;
revoke all on function vault._encrypt(text), vault._decrypt(text) from public, anon, authenticated;

create or replace view vault.decrypted_secrets as
select s.id, s.name, s.description, s.secret,
       vault._decrypt(s.secret) as decrypted_secret,
       s.key_id, s.nonce, s.created_at, s.updated_at
from vault.secrets s;
revoke all on vault.decrypted_secrets from public, anon, authenticated;
grant select on vault.decrypted_secrets to service_role;

create or replace function vault.create_secret(
  new_secret text,
  new_name text default null,
  new_description text default '',
  new_key_id uuid default null
) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  created uuid;
begin
  insert into vault.secrets (secret, name, description, key_id)
  values (vault._encrypt(new_secret), new_name, coalesce(new_description, ''), new_key_id)
  returning id into created;
  return created;
end
$$;

create or replace function vault.update_secret(
  secret_id uuid,
  new_secret text default null,
  new_name text default null,
  new_description text default null,
  new_key_id uuid default null
) returns void
language plpgsql security definer set search_path = ''
as $$
begin
  update vault.secrets set
    secret = coalesce(vault._encrypt(new_secret), secret),
    name = coalesce(new_name, name),
    description = coalesce(new_description, description),
    key_id = coalesce(new_key_id, key_id),
    updated_at = now()
  where id = secret_id;
end
$$;
revoke all on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) from public, anon, authenticated;
grant execute on function vault.create_secret(text, text, text, uuid), vault.update_secret(uuid, text, text, text, uuid) to service_role;

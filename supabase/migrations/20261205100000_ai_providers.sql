-- AI providers (bring your own key): one provider per workspace, its key only in Supabase
-- Vault, an audit log of every change, and a status any member may ask for. See
-- docs/decisions/013-ai-architecture.md and 015-ai-providers.md.
--
-- The key is handed once to private.store_provider_key (service role only), which keeps it
-- in Vault and only the secret's id and the key's last 4 characters on the provider row.
-- Clients can never read key_secret_id (no column grant), and only owners and admins see
-- the row at all. Only private.provider_api_key (service role only) decrypts it.

-- ---------------------------------------------------------------------------------------
-- public.ai_providers
-- ---------------------------------------------------------------------------------------

create table public.ai_providers (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  kind text not null,
  -- The OpenAI-compatible API root, e.g. https://api.openai.com/v1.
  base_url text not null,
  -- Null until chosen (the future "Test connection" lists what the key can use).
  chat_model text,
  embed_model text,
  -- The Vault secret holding the key; granted to no client role.
  key_secret_id uuid,
  key_last4 text,
  created_by uuid default auth.uid() references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ai_providers_tenant_id_key unique (tenant_id),
  constraint ai_providers_kind_check check (kind in ('openai', 'openai_compatible')),
  -- https anywhere; plain http only to this machine (a local Ollama or vLLM, the tests'
  -- fake server). No user:password@ (a secret must not sit in a plain column), no query or
  -- fragment (an API root has none, and a key pasted as ?api_key= would leak the same way).
  constraint ai_providers_base_url_check check (
    char_length(base_url) <= 2000
    and base_url !~ '[[:space:][:cntrl:]?#]'
    and (
      base_url ~* '^https://[^/@]+(/.*)?$'
      or base_url ~* '^http://(localhost|127\.0\.0\.1|\[::1\])(:[0-9]{1,5})?(/.*)?$'
    )
  ),
  constraint ai_providers_chat_model_check check (
    chat_model is null or (char_length(chat_model) between 1 and 200 and chat_model !~ '[[:space:][:cntrl:]]')
  ),
  constraint ai_providers_embed_model_check check (
    embed_model is null or (char_length(embed_model) between 1 and 200 and embed_model !~ '[[:space:][:cntrl:]]')
  ),
  constraint ai_providers_key_check check (
    (key_secret_id is null and key_last4 is null)
    or (key_secret_id is not null and char_length(key_last4) = 4)
  )
);

comment on table public.ai_providers is
  'A workspace''s own AI provider (BYOK). The key lives in Vault (key_secret_id); clients see only key_last4.';
comment on column public.ai_providers.key_secret_id is
  'vault.secrets id of the API key. Never granted to anon or authenticated; read only by private.provider_api_key.';

create index ai_providers_created_by_idx on public.ai_providers (created_by);

create trigger ai_providers_set_updated_at
  before update on public.ai_providers
  for each row execute function private.set_updated_at();

-- ---------------------------------------------------------------------------------------
-- public.ai_audit_log
-- ---------------------------------------------------------------------------------------

create table public.ai_audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  -- No foreign key: the entry outlives a deleted provider.
  provider_id uuid,
  actor_id uuid references auth.users (id) on delete set null,
  action text not null,
  -- Non-secret facts only: changed fields, kind, base URL, models, the key's last 4.
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  constraint ai_audit_log_action_check check (
    action in ('provider_created', 'provider_updated', 'key_set', 'key_rotated', 'provider_deleted')
  )
);

comment on table public.ai_audit_log is
  'Every change to a workspace''s AI provider: who, what, when. Never the key. Written only by the database.';

create index ai_audit_log_tenant_id_created_at_idx on public.ai_audit_log (tenant_id, created_at desc, id desc);
create index ai_audit_log_actor_id_idx on public.ai_audit_log (actor_id);

-- ---------------------------------------------------------------------------------------
-- Auditing: who acted
-- ---------------------------------------------------------------------------------------

-- A signed-in caller is always who they are; the service-role functions below name the
-- person they act for in a transaction-local setting. auth.uid() wins, so a client cannot
-- put another name on its own change by setting that value itself.
create function private.ai_actor()
returns uuid
language sql
stable
set search_path = ''
as $$
  select coalesce(
    (select auth.uid()),
    nullif(current_setting('flowstory.ai_actor', true), '')::uuid
  )
$$;

-- Creating, changing and deleting a provider write the audit log whichever way they
-- happen (a member under RLS, the service role, a workspace deleted with everything in it),
-- and deleting a provider deletes its Vault secret. Key changes are logged by
-- private.store_provider_key, which knows whether it set or rotated the key.
create function private.audit_ai_provider()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed text[];
begin
  if tg_op = 'INSERT' then
    insert into public.ai_audit_log (tenant_id, provider_id, actor_id, action, details)
    values (new.tenant_id, new.id, private.ai_actor(), 'provider_created',
            jsonb_build_object('kind', new.kind, 'base_url', new.base_url,
                               'chat_model', new.chat_model, 'embed_model', new.embed_model));
    return null;
  elsif tg_op = 'UPDATE' then
    changed := array_remove(array[
      case when new.kind is distinct from old.kind then 'kind' end,
      case when new.base_url is distinct from old.base_url then 'base_url' end,
      case when new.chat_model is distinct from old.chat_model then 'chat_model' end,
      case when new.embed_model is distinct from old.embed_model then 'embed_model' end
    ], null);
    if cardinality(changed) > 0 then
      insert into public.ai_audit_log (tenant_id, provider_id, actor_id, action, details)
      values (new.tenant_id, new.id, private.ai_actor(), 'provider_updated',
              jsonb_build_object('changed', to_jsonb(changed), 'kind', new.kind, 'base_url', new.base_url,
                                 'chat_model', new.chat_model, 'embed_model', new.embed_model));
    end if;
    return null;
  else
    if old.key_secret_id is not null then
      delete from vault.secrets s where s.id = old.key_secret_id;
    end if;
    -- When the whole workspace goes, its log goes with it: nothing to write.
    if exists (select 1 from public.tenants t where t.id = old.tenant_id) then
      insert into public.ai_audit_log (tenant_id, provider_id, actor_id, action, details)
      values (old.tenant_id, old.id, private.ai_actor(), 'provider_deleted',
              jsonb_build_object('kind', old.kind, 'base_url', old.base_url, 'key_last4', old.key_last4));
    end if;
    return null;
  end if;
end
$$;

create trigger ai_providers_audit
  after insert or update or delete on public.ai_providers
  for each row execute function private.audit_ai_provider();

-- ---------------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------------

alter table public.ai_providers enable row level security;
alter table public.ai_audit_log enable row level security;

revoke all on public.ai_providers, public.ai_audit_log from anon, authenticated;
grant all on public.ai_providers, public.ai_audit_log to service_role;

-- Every column but key_secret_id; the key columns are the service functions' to write.
grant select (id, tenant_id, kind, base_url, chat_model, embed_model, key_last4, created_by, created_at, updated_at)
  on public.ai_providers to authenticated;
grant insert (tenant_id, kind, base_url, chat_model, embed_model) on public.ai_providers to authenticated;
grant update (kind, base_url, chat_model, embed_model) on public.ai_providers to authenticated;
grant delete on public.ai_providers to authenticated;
grant select on public.ai_audit_log to authenticated;

create policy "Owners and admins see their workspace's AI provider"
  on public.ai_providers for select to authenticated
  using ((select private.has_tenant_role(tenant_id, array['owner', 'admin'])));

create policy "Owners and admins add their workspace's AI provider"
  on public.ai_providers for insert to authenticated
  with check ((select private.has_tenant_role(tenant_id, array['owner', 'admin'])));

create policy "Owners and admins change their workspace's AI provider"
  on public.ai_providers for update to authenticated
  using ((select private.has_tenant_role(tenant_id, array['owner', 'admin'])))
  with check ((select private.has_tenant_role(tenant_id, array['owner', 'admin'])));

create policy "Owners and admins remove their workspace's AI provider"
  on public.ai_providers for delete to authenticated
  using ((select private.has_tenant_role(tenant_id, array['owner', 'admin'])));

create policy "Owners and admins read their workspace's AI audit log"
  on public.ai_audit_log for select to authenticated
  using ((select private.has_tenant_role(tenant_id, array['owner', 'admin'])));

-- ---------------------------------------------------------------------------------------
-- What any member may know: is AI available here, and through which route (no secrets)
-- ---------------------------------------------------------------------------------------

create function public.workspace_ai_status(p_tenant_id uuid)
returns table (
  has_own_provider boolean,
  own_key_set boolean,
  chat_model text,
  embed_model text,
  plan text,
  platform_allowed boolean
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  -- A workspace the caller does not belong to answers nothing, as RLS would.
  if p_tenant_id is null or p_tenant_id not in (select private.user_tenant_ids()) then
    return;
  end if;
  return query
    select p.id is not null,
           p.key_secret_id is not null,
           p.chat_model,
           p.embed_model,
           t.plan,
           t.plan in ('pro', 'team')
    from public.tenants t
    left join public.ai_providers p on p.tenant_id = t.id
    where t.id = p_tenant_id;
end
$$;

comment on function public.workspace_ai_status(uuid) is
  'For any member: whether the workspace has its own provider and key, and whether its plan allows the platform provider.';

-- ---------------------------------------------------------------------------------------
-- Service-role-only: store, read and delete the key
-- ---------------------------------------------------------------------------------------

create function private.store_provider_key(p_provider_id uuid, p_api_key text, p_actor uuid)
returns text
language plpgsql
security definer
set search_path = ''
as $$
declare
  provider public.ai_providers%rowtype;
  secret_id uuid;
  rotated boolean;
  last4 text;
begin
  -- Errors never quote the key: a message may end up in a log.
  if p_api_key is null or p_api_key = '' then
    raise exception 'The API key is empty'
      using errcode = '22023', hint = 'Paste the key your provider gave you.';
  elsif char_length(p_api_key) > 500 then
    raise exception 'The API key is longer than 500 characters'
      using errcode = '22023', hint = 'Check that only the key was pasted.';
  elsif p_api_key ~ '[[:space:][:cntrl:]]' then
    raise exception 'The API key contains spaces, line breaks or control characters'
      using errcode = '22023', hint = 'Paste the key alone, without spaces or line breaks.';
  elsif char_length(p_api_key) < 8 then
    -- The page shows the last 4 characters; of a shorter key that would be most of it.
    raise exception 'The API key is shorter than 8 characters'
      using errcode = '22023', hint = 'Check that the whole key was pasted.';
  end if;

  select * into provider from public.ai_providers p where p.id = p_provider_id for update;
  if not found then
    raise exception 'AI provider not found' using errcode = 'P0002';
  end if;

  last4 := right(p_api_key, 4);
  rotated := provider.key_secret_id is not null
    and exists (select 1 from vault.secrets s where s.id = provider.key_secret_id);
  if rotated then
    secret_id := provider.key_secret_id;
    perform vault.update_secret(secret_id, p_api_key);
  else
    secret_id := vault.create_secret(p_api_key, null, 'API key of AI provider ' || p_provider_id::text);
  end if;

  update public.ai_providers p set key_secret_id = secret_id, key_last4 = last4 where p.id = p_provider_id;

  insert into public.ai_audit_log (tenant_id, provider_id, actor_id, action, details)
  values (provider.tenant_id, p_provider_id, p_actor,
          case when rotated then 'key_rotated' else 'key_set' end,
          jsonb_build_object('key_last4', last4));
  return last4;
end
$$;

comment on function private.store_provider_key(uuid, text, uuid) is
  'Service role only. Stores (first time) or rotates the provider''s API key in Vault, keeps its last 4 characters, audits as p_actor. Callers check first that p_actor is an owner or admin of the workspace.';

create function private.provider_api_key(p_provider_id uuid)
returns text
language sql
stable
security definer
set search_path = ''
as $$
  select d.decrypted_secret
  from public.ai_providers p
  join vault.decrypted_secrets d on d.id = p.key_secret_id
  where p.id = p_provider_id
$$;

comment on function private.provider_api_key(uuid) is
  'Service role only (the Edge Functions). The decrypted API key of a provider, or null when none is stored.';

create function private.delete_provider(p_provider_id uuid, p_actor uuid)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
declare
  deleted integer;
begin
  -- The delete trigger removes the Vault secret and writes the audit row as this actor.
  perform set_config('flowstory.ai_actor', coalesce(p_actor::text, ''), true);
  delete from public.ai_providers p where p.id = p_provider_id;
  get diagnostics deleted = row_count;
  perform set_config('flowstory.ai_actor', '', true);
  return deleted > 0;
end
$$;

comment on function private.delete_provider(uuid, uuid) is
  'Service role only. Deletes the provider and its Vault secret, audited as p_actor.';

revoke all on function private.ai_actor(), private.audit_ai_provider(), public.workspace_ai_status(uuid),
  private.store_provider_key(uuid, text, uuid), private.provider_api_key(uuid), private.delete_provider(uuid, uuid)
  from public, anon, authenticated;
grant execute on function public.workspace_ai_status(uuid) to authenticated, service_role;
grant execute on function private.store_provider_key(uuid, text, uuid), private.provider_api_key(uuid),
  private.delete_provider(uuid, uuid)
  to service_role;

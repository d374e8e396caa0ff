-- AI providers: only owners and admins of the workspace see or change the provider and its
-- audit log; writers, another workspace and anon get nothing; the key lives only in Vault,
-- reached only through the service-role functions; rotating and deleting really replace
-- and remove the secret.
begin;
select plan(79);

select tests.create_user('ai-olga@pgtap.test', '{"display_name": "Olga"}');
select tests.create_user('ai-davi@pgtap.test', '{"display_name": "Davi"}');
select tests.create_user('ai-wes@pgtap.test', '{"display_name": "Wes"}');
select tests.create_user('ai-bruno@pgtap.test', '{"display_name": "Bruno"}');

create function pg_temp.saga() returns uuid language sql stable as $$ select current_setting('tests.saga')::uuid $$;
create function pg_temp.uid(email text) returns uuid language sql stable as $$ select tests.get_user_id(email) $$;
create function pg_temp.provider() returns uuid language sql stable security definer as $$
  select p.id from public.ai_providers p where p.tenant_id = current_setting('tests.saga')::uuid
$$;
create function pg_temp.secret_id() returns uuid language sql stable security definer as $$
  select p.key_secret_id from public.ai_providers p where p.tenant_id = current_setting('tests.saga')::uuid
$$;
grant execute on all functions in schema pg_temp to authenticated, anon, service_role;

-- Every row of every table outside Vault and the system catalogues, as text, that holds the
-- needle: where a key would be if it leaked into a column.
create function pg_temp.places_holding(needle text) returns text[] language plpgsql as $$
declare
  tbl record;
  hits bigint;
  found_in text[] := '{}';
begin
  for tbl in
    select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'p')
      and n.nspname not in ('vault', 'pg_catalog', 'information_schema', 'pg_toast')
      and n.nspname not like 'pg_temp%' and n.nspname not like 'pg_toast_temp%'
  loop
    execute format('select count(*) from %I.%I t where strpos(t::text, $1) > 0', tbl.nspname, tbl.relname)
      into hits using needle;
    if hits > 0 then
      found_in := found_in || (tbl.nspname || '.' || tbl.relname);
    end if;
  end loop;
  return found_in;
end
$$;

select tests.authenticate_as('ai-olga@pgtap.test');
select set_config('tests.saga', public.create_workspace('Saga')::text, true);
select tests.clear_authentication();
insert into public.memberships (tenant_id, user_id, role) values
  (pg_temp.saga(), pg_temp.uid('ai-davi@pgtap.test'), 'admin'),
  (pg_temp.saga(), pg_temp.uid('ai-wes@pgtap.test'), 'writer');

-- The owner adds a provider -----------------------------------------------------------------

select tests.authenticate_as('ai-olga@pgtap.test');

select lives_ok(
  format($$insert into public.ai_providers (tenant_id, kind, base_url, chat_model, embed_model)
           values (%L, 'openai_compatible', 'https://llm.example.com/v1', 'chat-large', 'embed-small')$$, pg_temp.saga()),
  'the owner adds the workspace''s provider');
select results_eq(
  $$select kind, base_url, chat_model, embed_model, key_last4, created_by from public.ai_providers$$,
  format($$values ('openai_compatible', 'https://llm.example.com/v1', 'chat-large', 'embed-small', null::text, %L::uuid)$$, pg_temp.uid('ai-olga@pgtap.test')),
  'the owner sees it, made by them, with no key yet');
select throws_ok(
  format($$insert into public.ai_providers (tenant_id, kind, base_url) values (%L, 'openai', 'https://api.openai.com/v1')$$, pg_temp.saga()),
  '23505', null, 'one provider per workspace');
select throws_ok('select key_secret_id from public.ai_providers', '42501', 'permission denied for table ai_providers',
  'even the owner cannot read the Vault secret''s id');
select throws_ok('select * from public.ai_providers', '42501', 'permission denied for table ai_providers',
  'nor select * (which would include it)');
select throws_ok($$update public.ai_providers set key_last4 = 'abcd'$$, '42501', 'permission denied for table ai_providers',
  'the owner cannot write the key''s last 4 characters');
select throws_ok(format('update public.ai_providers set key_secret_id = %L', gen_random_uuid()), '42501',
  'permission denied for table ai_providers', 'nor point the provider at another Vault secret');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), 'sk-owner-direct-1234', pg_temp.uid('ai-olga@pgtap.test')),
  '42501', 'permission denied for function store_provider_key', 'authenticated cannot call store_provider_key');
select throws_ok(format('select private.provider_api_key(%L)', pg_temp.provider()),
  '42501', 'permission denied for function provider_api_key', 'authenticated cannot call provider_api_key');
select throws_ok(format('select private.delete_provider(%L, %L)', pg_temp.provider(), pg_temp.uid('ai-olga@pgtap.test')),
  '42501', 'permission denied for function delete_provider', 'authenticated cannot call delete_provider');
select throws_ok('select * from vault.decrypted_secrets', '42501', null, 'authenticated cannot read Vault');

-- Base URL and model rules
select throws_ok($$update public.ai_providers set base_url = 'http://llm.example.com/v1'$$, '23514', null,
  'plain http is refused for a host other than this machine');
select throws_ok($$update public.ai_providers set base_url = 'https://user:sk-secret@llm.example.com/v1'$$, '23514', null,
  'credentials in the URL are refused');
select throws_ok($$update public.ai_providers set base_url = 'https://llm.example.com/v1?api_key=sk-secret'$$, '23514', null,
  'a query string is refused');
select throws_ok($$update public.ai_providers set base_url = 'ftp://llm.example.com/v1'$$, '23514', null,
  'only http(s) URLs');
select throws_ok($$update public.ai_providers set chat_model = ''$$, '23514', null, 'an empty model name is refused');
select throws_ok(format('update public.ai_providers set chat_model = %L', repeat('m', 201)), '23514', null,
  'a model name over 200 characters is refused');
select throws_ok($$update public.ai_providers set kind = 'anthropic'$$, '23514', null, 'an unknown kind is refused');
select lives_ok($$update public.ai_providers set base_url = 'http://localhost:11434/v1'$$, 'http to localhost (a local Ollama) is allowed');
select lives_ok($$update public.ai_providers set base_url = 'http://127.0.0.1:8000/v1'$$, 'http to 127.0.0.1 is allowed');
select lives_ok($$update public.ai_providers set base_url = 'https://llm.example.com/v1'$$, 'back to https');

-- The service role stores the key ------------------------------------------------------------

select tests.authenticate_as_service_role();

select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), '', pg_temp.uid('ai-olga@pgtap.test')),
  '22023', 'The API key is empty', 'an empty key is refused');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), 'sk-with space-123', pg_temp.uid('ai-olga@pgtap.test')),
  '22023', 'The API key contains spaces, line breaks or control characters', 'a key with a space is refused, without quoting it');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), E'sk-line\nbreak-123', pg_temp.uid('ai-olga@pgtap.test')),
  '22023', 'The API key contains spaces, line breaks or control characters', 'a key with a line break is refused');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), repeat('k', 501), pg_temp.uid('ai-olga@pgtap.test')),
  '22023', 'The API key is longer than 500 characters', 'a key over 500 characters is refused');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), 'sk-1234', pg_temp.uid('ai-olga@pgtap.test')),
  '22023', 'The API key is shorter than 8 characters', 'a key so short that its last 4 would give it away is refused');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', gen_random_uuid(), 'sk-nobody-12345678', pg_temp.uid('ai-olga@pgtap.test')),
  'P0002', 'AI provider not found', 'a provider that does not exist');

select is(
  private.store_provider_key(pg_temp.provider(), 'sk-CANARY-7f3a9c1e5b2d4680-WXYZ', pg_temp.uid('ai-olga@pgtap.test')),
  'WXYZ', 'storing the key answers its last 4 characters');
select is(private.provider_api_key(pg_temp.provider()), 'sk-CANARY-7f3a9c1e5b2d4680-WXYZ', 'the service role reads it back');
select is(private.provider_api_key(gen_random_uuid()), null, 'no key for a provider that does not exist');

select tests.clear_authentication();
select is((select decrypted_secret from vault.decrypted_secrets where id = pg_temp.secret_id()),
  'sk-CANARY-7f3a9c1e5b2d4680-WXYZ', 'the key is in Vault');
select isnt((select secret from vault.secrets where id = pg_temp.secret_id()),
  'sk-CANARY-7f3a9c1e5b2d4680-WXYZ', 'and Vault keeps it encrypted');
select ok('public.ai_providers' = any (pg_temp.places_holding('llm.example.com')), 'the scan below finds what is in a column');
select is(pg_temp.places_holding('sk-CANARY-7f3a9c1e5b2d4680-WXYZ'), '{}'::text[],
  'the key is in no column of any table outside Vault');
select is(pg_temp.places_holding('7f3a9c1e5b2d4680'), '{}'::text[], 'nor any part of it beyond the last 4');

-- The owner sees the last 4, never the key
select tests.authenticate_as('ai-olga@pgtap.test');
select results_eq('select key_last4 from public.ai_providers', $$values ('WXYZ')$$, 'the owner sees the key''s last 4 characters');
select results_eq(format('select * from public.workspace_ai_status(%L)', pg_temp.saga()),
  $$values (true, true, 'chat-large', 'embed-small', 'free', false)$$, 'the status says the workspace has its own provider and key');

-- The admin ----------------------------------------------------------------------------------

select tests.authenticate_as('ai-davi@pgtap.test');
select results_eq('select key_last4 from public.ai_providers', $$values ('WXYZ')$$, 'an admin sees the provider');
select lives_ok($$update public.ai_providers set chat_model = 'chat-medium'$$, 'an admin changes the chat model');
select results_eq($$select action from public.ai_audit_log order by id$$,
  $$values ('provider_created'), ('provider_updated'), ('provider_updated'), ('provider_updated'), ('key_set'), ('provider_updated')$$,
  'an admin reads the audit log: every change, in order');
select results_eq($$select actor_id, details->'changed' from public.ai_audit_log order by id desc limit 1$$,
  format($$values (%L::uuid, '["chat_model"]'::jsonb)$$, pg_temp.uid('ai-davi@pgtap.test')),
  'the log says who changed what');
select results_eq($$select actor_id, details from public.ai_audit_log where action = 'key_set'$$,
  format($$values (%L::uuid, '{"key_last4": "WXYZ"}'::jsonb)$$, pg_temp.uid('ai-olga@pgtap.test')),
  'storing the key is logged for the person the service acted for, with only the last 4');
select throws_ok('insert into public.ai_audit_log (tenant_id, action) values (pg_temp.saga(), ''key_set'')',
  '42501', 'permission denied for table ai_audit_log', 'nobody writes the audit log directly');
select throws_ok('delete from public.ai_audit_log', '42501', 'permission denied for table ai_audit_log', 'nor erases it');

-- A writer of the same workspace ---------------------------------------------------------------

select tests.authenticate_as('ai-wes@pgtap.test');
select is_empty('select 1 from public.ai_providers', 'a writer cannot see the provider');
select is_empty('select 1 from public.ai_audit_log', 'nor its audit log');
select is_empty($$update public.ai_providers set base_url = 'https://evil.example.com/v1' returning 1$$, 'nor change it');
select is_empty('delete from public.ai_providers returning 1', 'nor delete it');
select throws_ok(format($$insert into public.ai_providers (tenant_id, kind, base_url) values (%L, 'openai', 'https://api.openai.com/v1')$$, pg_temp.saga()),
  '42501', 'new row violates row-level security policy for table "ai_providers"', 'nor add one');
select throws_ok(format('select private.provider_api_key(%L)', pg_temp.provider()),
  '42501', 'permission denied for function provider_api_key', 'nor read the key');
select results_eq(format('select * from public.workspace_ai_status(%L)', pg_temp.saga()),
  $$values (true, true, 'chat-medium', 'embed-small', 'free', false)$$, 'a writer learns whether AI is available, without secrets');

-- Another workspace's owner ----------------------------------------------------------------

select tests.authenticate_as('ai-bruno@pgtap.test');
select is_empty('select 1 from public.ai_providers', 'another workspace''s owner cannot see the provider');
select is_empty('select 1 from public.ai_audit_log', 'nor its audit log');
select is_empty($$update public.ai_providers set base_url = 'https://evil.example.com/v1' returning 1$$, 'nor change it');
select is_empty('delete from public.ai_providers returning 1', 'nor delete it');
select throws_ok(format($$insert into public.ai_providers (tenant_id, kind, base_url) values (%L, 'openai', 'https://api.openai.com/v1')$$, pg_temp.saga()),
  '42501', 'new row violates row-level security policy for table "ai_providers"', 'nor add one to that workspace');
select is_empty(format('select * from public.workspace_ai_status(%L)', pg_temp.saga()), 'the status of a workspace they are not in answers nothing');
select throws_ok(format('select private.store_provider_key(%L, %L, %L)', pg_temp.provider(), 'sk-bruno-rotates-1234', pg_temp.uid('ai-bruno@pgtap.test')),
  '42501', 'permission denied for function store_provider_key', 'nor rotate its key');

-- anon ---------------------------------------------------------------------------------------

select tests.authenticate_as_anon();
select throws_ok('select 1 from public.ai_providers', '42501', 'permission denied for table ai_providers', 'anon cannot read providers');
select throws_ok(format($$insert into public.ai_providers (tenant_id, kind, base_url) values (%L, 'openai', 'https://api.openai.com/v1')$$, pg_temp.saga()),
  '42501', 'permission denied for table ai_providers', 'anon cannot add providers');
select throws_ok('delete from public.ai_providers', '42501', 'permission denied for table ai_providers', 'anon cannot delete providers');
select throws_ok('select 1 from public.ai_audit_log', '42501', 'permission denied for table ai_audit_log', 'anon cannot read the audit log');
select throws_ok(format('select * from public.workspace_ai_status(%L)', pg_temp.saga()),
  '42501', 'permission denied for function workspace_ai_status', 'anon cannot ask for the status');
select throws_ok(format('select private.provider_api_key(%L)', pg_temp.provider()),
  '42501', 'permission denied for schema private', 'anon cannot reach the key functions');

-- Rotation ---------------------------------------------------------------------------------------

select tests.clear_authentication();
select set_config('tests.first_secret', pg_temp.secret_id()::text, true);
select tests.authenticate_as_service_role();
select is(private.store_provider_key(pg_temp.provider(), 'sk-ROTATED-0a1b2c3d4e5f-9876', pg_temp.uid('ai-davi@pgtap.test')),
  '9876', 'rotating answers the new last 4');
select is(private.provider_api_key(pg_temp.provider()), 'sk-ROTATED-0a1b2c3d4e5f-9876', 'the new key is the one read back');
select tests.clear_authentication();
select is(pg_temp.secret_id()::text, current_setting('tests.first_secret'), 'rotation replaces the secret in place (vault.update_secret)');
select is_empty($$select 1 from vault.decrypted_secrets where decrypted_secret = 'sk-CANARY-7f3a9c1e5b2d4680-WXYZ'$$,
  'the old key is nowhere in Vault');
select results_eq($$select key_last4 from public.ai_providers where tenant_id = pg_temp.saga()$$, $$values ('9876')$$,
  'the last 4 follow the new key');
select results_eq($$select action, actor_id, details from public.ai_audit_log where tenant_id = pg_temp.saga() order by id desc limit 1$$,
  format($$values ('key_rotated', %L::uuid, '{"key_last4": "9876"}'::jsonb)$$, pg_temp.uid('ai-davi@pgtap.test')),
  'rotation is logged');
select is(pg_temp.places_holding('sk-ROTATED-0a1b2c3d4e5f-9876'), '{}'::text[], 'the new key is in no column outside Vault either');

-- Deletion -----------------------------------------------------------------------------------------

select tests.authenticate_as('ai-olga@pgtap.test');
select results_eq('delete from public.ai_providers returning kind', $$values ('openai_compatible')$$, 'the owner deletes the provider');
select tests.clear_authentication();
select is_empty(format('select 1 from vault.secrets where id = %L', current_setting('tests.first_secret')),
  'deleting the provider deletes its Vault secret');
select results_eq($$select action, actor_id from public.ai_audit_log where tenant_id = pg_temp.saga() order by id desc limit 1$$,
  format($$values ('provider_deleted', %L::uuid)$$, pg_temp.uid('ai-olga@pgtap.test')), 'and is logged');

-- Through the service function, for a named person
insert into public.ai_providers (tenant_id, kind, base_url) values (pg_temp.saga(), 'openai', 'https://api.openai.com/v1');
select tests.authenticate_as_service_role();
select private.store_provider_key(pg_temp.provider(), 'sk-second-key-55555555', pg_temp.uid('ai-olga@pgtap.test'));
select tests.clear_authentication();
select set_config('tests.second_secret', pg_temp.secret_id()::text, true);
select tests.authenticate_as_service_role();
select ok(private.delete_provider(pg_temp.provider(), pg_temp.uid('ai-davi@pgtap.test')), 'delete_provider deletes');
select tests.clear_authentication();
select is_empty(format('select 1 from vault.secrets where id = %L', current_setting('tests.second_secret')),
  'and its Vault secret');
select results_eq($$select action, actor_id from public.ai_audit_log where tenant_id = pg_temp.saga() order by id desc limit 1$$,
  format($$values ('provider_deleted', %L::uuid)$$, pg_temp.uid('ai-davi@pgtap.test')), 'logged for the person named');

-- Deleting the workspace takes the provider's secret along
insert into public.ai_providers (tenant_id, kind, base_url) values (pg_temp.saga(), 'openai', 'https://api.openai.com/v1');
select tests.authenticate_as_service_role();
select private.store_provider_key(pg_temp.provider(), 'sk-third-key-66666666', pg_temp.uid('ai-olga@pgtap.test'));
select tests.clear_authentication();
select set_config('tests.third_secret', pg_temp.secret_id()::text, true);
select tests.authenticate_as('ai-olga@pgtap.test');
select lives_ok(format('delete from public.tenants where id = %L', pg_temp.saga()), 'the owner deletes the whole workspace');
select tests.clear_authentication();
select is_empty(format('select 1 from vault.secrets where id = %L', current_setting('tests.third_secret')),
  'its provider''s Vault secret went with it');

select * from finish();
rollback;

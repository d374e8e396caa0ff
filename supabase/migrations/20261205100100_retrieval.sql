-- Retrieval and metering for the AI co-writer (issue 4): a chapter's text in chunks with a
-- full-text vector and an embedding, the queue of chapters to (re-)embed, chapter summaries,
-- usage logs with a price table, and a rate limiter. See docs/decisions/013-ai-architecture.md
-- and docs/decisions/016-retrieval-schema.md.
--
-- Members read what concerns their workspace; only the service role (the `embed` and `chat`
-- Edge Functions) writes chunks, summaries, usage and the queue.

-- ---------------------------------------------------------------------------------------
-- The book's language → a text search configuration
-- ---------------------------------------------------------------------------------------

-- books.language is 'pt-BR', 'en' or 'other' (books_language_check).
create function private.text_search_config(language text)
returns regconfig
language sql
immutable
set search_path = ''
as $$
  select case text_search_config.language
    when 'pt-BR' then 'pg_catalog.portuguese'::regconfig
    when 'en' then 'pg_catalog.english'::regconfig
    else 'pg_catalog.simple'::regconfig
  end
$$;

comment on function private.text_search_config(text) is
  'The full-text configuration for a book language: portuguese for pt-BR, english for en, simple otherwise.';

revoke all on function private.text_search_config(text) from public, anon, authenticated;
grant execute on function private.text_search_config(text) to service_role;

-- ---------------------------------------------------------------------------------------
-- public.chunks
-- ---------------------------------------------------------------------------------------

create table public.chunks (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null,
  book_id uuid not null,
  chapter_id uuid not null,
  -- 0, 1, 2… in reading order within the chapter.
  ord integer not null,
  content text not null,
  -- sha-256 of content, lowercase hex (app/modules/ai/chunking.ts): unchanged chunks keep
  -- their embedding when the chapter is re-chunked.
  content_hash text not null,
  -- The passage in chapters.plain_text as JavaScript string offsets (UTF-16 code units):
  -- plain_text.slice(char_start, char_end) === content. Citations jump there.
  char_start integer not null,
  char_end integer not null,
  -- Set from the book's language on insert and when the book's language changes (triggers
  -- below), never by the writer of the row, so every chunk of a book shares one config.
  ts_config regconfig not null default 'pg_catalog.simple',
  tsv tsvector generated always as (to_tsvector(ts_config, content)) stored,
  -- Null until embedded: full-text search works without any AI provider.
  embedding extensions.vector(1536),
  embed_model text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint chunks_chapter_fkey foreign key (chapter_id, book_id, tenant_id)
    references public.chapters (id, book_id, tenant_id) on delete cascade,
  constraint chunks_chapter_ord_key unique (chapter_id, ord),
  constraint chunks_ord_check check (ord >= 0),
  constraint chunks_content_check check (char_length(content) between 1 and 20000),
  constraint chunks_content_hash_check check (content_hash ~ '^[0-9a-f]{64}$'),
  constraint chunks_char_range_check check (char_start >= 0 and char_end > char_start),
  constraint chunks_embed_model_check check (
    (embedding is null) = (embed_model is null) and (embed_model is null or char_length(embed_model) between 1 and 200)
  )
);

comment on table public.chunks is
  'A chapter''s plain text in overlapping chunks, with a full-text vector in the book''s language and an embedding. Written by the embed Edge Function (service role).';

create index chunks_chapter_id_book_id_tenant_id_idx on public.chunks (chapter_id, book_id, tenant_id);
create index chunks_book_id_idx on public.chunks (book_id);
create index chunks_tenant_id_idx on public.chunks (tenant_id);
create index chunks_tsv_idx on public.chunks using gin (tsv);
create index chunks_embedding_idx on public.chunks using hnsw (embedding extensions.vector_cosine_ops);

create function private.set_chunk_text_search_config()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  select private.text_search_config(b.language) into new.ts_config
  from public.books b where b.id = new.book_id and b.tenant_id = new.tenant_id;
  new.ts_config := coalesce(new.ts_config, 'pg_catalog.simple'::regconfig);
  if tg_op = 'UPDATE' then
    new.updated_at := now();
  end if;
  return new;
end
$$;

create trigger chunks_set_text_search_config
  before insert or update on public.chunks
  for each row execute function private.set_chunk_text_search_config();

-- A book switching language re-indexes its chunks' words (no re-embedding needed).
create function private.rekey_book_chunks_language()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.chunks c
  set ts_config = private.text_search_config(new.language)
  where c.book_id = new.id and c.tenant_id = new.tenant_id;
  return null;
end
$$;

create trigger books_rekey_chunks_language
  after update of language on public.books
  for each row when (old.language is distinct from new.language)
  execute function private.rekey_book_chunks_language();

revoke all on function private.set_chunk_text_search_config(), private.rekey_book_chunks_language()
  from public, anon, authenticated;

-- Storing a chapter's chunks (service role: the embed function) --------------------------

-- Replaces the chapter's chunks with p_chunks, a JSON array of {ord, content, content_hash,
-- char_start, char_end, embedding} (embedding: 1536 numbers, or null). A chunk sent without
-- an embedding keeps the one an old chunk with the same hash had from p_embed_model, so the
-- function embeds only what changed. Answers {chunks, embedded, reused, missing}.
create function private.replace_chapter_chunks(p_chapter_id uuid, p_embed_model text, p_chunks jsonb)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
  chapter public.chapters;
  kept jsonb;
  result jsonb;
begin
  if p_chunks is null or jsonb_typeof(p_chunks) <> 'array' then
    raise exception 'Chunks must be a JSON array' using errcode = 'invalid_parameter_value';
  end if;
  if p_embed_model is null or p_embed_model = '' then
    raise exception 'Name the embedding model the chunks are (or will be) embedded with'
      using errcode = 'invalid_parameter_value';
  end if;
  select * into chapter from public.chapters c where c.id = p_chapter_id for update;
  if not found then
    raise exception 'Chapter not found' using errcode = 'no_data_found';
  end if;

  -- hash → embedding (as text) of the old chunks this model embedded.
  select coalesce(jsonb_object_agg(k.content_hash, k.embedding::text), '{}') into kept
  from (
    select distinct on (c.content_hash) c.content_hash, c.embedding
    from public.chunks c
    where c.chapter_id = p_chapter_id and c.embedding is not null and c.embed_model = p_embed_model
    order by c.content_hash, c.updated_at desc
  ) k;

  delete from public.chunks c where c.chapter_id = p_chapter_id;

  with incoming as (
    select x.ord, x.content, x.content_hash, x.char_start, x.char_end,
           case when jsonb_typeof(x.embedding) = 'array' then (x.embedding::text)::extensions.vector(1536) end as sent
    from jsonb_to_recordset(p_chunks) as x(ord integer, content text, content_hash text, char_start integer,
                                           char_end integer, embedding jsonb)
  ), stored as (
    insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end,
                               embedding, embed_model)
    select chapter.tenant_id, chapter.book_id, chapter.id, i.ord, i.content, i.content_hash, i.char_start, i.char_end,
           coalesce(i.sent, (kept ->> i.content_hash)::extensions.vector(1536)),
           case when i.sent is not null or kept ? i.content_hash then p_embed_model end
    from incoming i
    returning embedding is not null as has_embedding
  )
  select jsonb_build_object(
    'chunks', (select count(*) from stored),
    'embedded', (select count(*) from incoming where sent is not null),
    'reused', (select count(*) from stored where has_embedding) - (select count(*) from incoming where sent is not null),
    'missing', (select count(*) from stored where not has_embedding)
  ) into result;
  return result;
end
$$;

comment on function private.replace_chapter_chunks(uuid, text, jsonb) is
  'Service role: replaces a chapter''s chunks; chunks sent without an embedding reuse the embedding of an old chunk with the same hash and model.';

revoke all on function private.replace_chapter_chunks(uuid, text, jsonb) from public, anon, authenticated;
grant execute on function private.replace_chapter_chunks(uuid, text, jsonb) to service_role;

-- ---------------------------------------------------------------------------------------
-- public.embed_queue: chapters whose text changed since they were last embedded
-- ---------------------------------------------------------------------------------------

create table public.embed_queue (
  chapter_id uuid primary key,
  tenant_id uuid not null,
  book_id uuid not null,
  enqueued_at timestamptz not null default now(),
  -- Goes up each time the chapter is queued again, so the embed function finishes (or
  -- fails) only the entry it claimed, never a newer save's.
  revision integer not null default 1,
  attempts integer not null default 0,
  -- What the last attempt ran into, written by the embed function (never a key).
  last_error text,
  -- Retry no earlier than this (backoff after a failure).
  not_before timestamptz not null default now(),
  constraint embed_queue_chapter_fkey foreign key (chapter_id, book_id, tenant_id)
    references public.chapters (id, book_id, tenant_id) on delete cascade,
  constraint embed_queue_attempts_check check (attempts >= 0),
  constraint embed_queue_last_error_check check (last_error is null or char_length(last_error) <= 2000)
);

comment on table public.embed_queue is
  'Chapters to (re-)chunk and embed, drained in batches by the embed Edge Function. Members may read which chapters are pending (not last_error).';

create index embed_queue_chapter_id_book_id_tenant_id_idx on public.embed_queue (chapter_id, book_id, tenant_id);
create index embed_queue_book_id_idx on public.embed_queue (book_id);
create index embed_queue_tenant_id_idx on public.embed_queue (tenant_id);
create index embed_queue_not_before_idx on public.embed_queue (not_before, enqueued_at);

-- Runs as the table's owner: members save chapters but may not write the queue. A chapter
-- already queued is queued again from now, with its attempts reset: one row per chapter.
create function private.enqueue_chapter_embedding()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.embed_queue as q (chapter_id, tenant_id, book_id)
  values (new.id, new.tenant_id, new.book_id)
  on conflict (chapter_id) do update
    set enqueued_at = now(), revision = q.revision + 1, attempts = 0, last_error = null, not_before = now();
  return null;
end
$$;

revoke all on function private.enqueue_chapter_embedding() from public, anon, authenticated;

create trigger chapters_enqueue_embedding_on_insert
  after insert on public.chapters
  for each row execute function private.enqueue_chapter_embedding();

-- The text changed, or the chapter went to the trash or came back from it.
create trigger chapters_enqueue_embedding_on_update
  after update of plain_text, deleted_at on public.chapters
  for each row
  when (old.plain_text is distinct from new.plain_text
        or (old.deleted_at is null) <> (new.deleted_at is null))
  execute function private.enqueue_chapter_embedding();

-- Draining the queue (service role: the embed function) ---------------------------------

-- Claims up to p_limit chapters whose time has come, oldest first, skipping rows another
-- worker holds. A claimed row counts an attempt and is hidden for p_lease: a worker that
-- dies mid-batch loses its claim when the lease ends, and the chapter is tried again.
create function private.claim_embed_batch(p_limit integer default 20, p_lease interval default interval '5 minutes')
returns setof public.embed_queue
language plpgsql
set search_path = ''
as $$
begin
  if p_limit is null or p_limit not between 1 and 500 or p_lease is null or p_lease <= interval '0' then
    raise exception 'claim_embed_batch needs 1 to 500 chapters and a positive lease'
      using errcode = 'invalid_parameter_value';
  end if;
  return query
  update public.embed_queue q
  set attempts = q.attempts + 1, not_before = now() + p_lease
  where q.chapter_id in (
    select w.chapter_id from public.embed_queue w
    where w.not_before <= now()
    order by w.enqueued_at, w.chapter_id
    limit p_limit
    for update skip locked
  )
  returning q.*;
end
$$;

-- The chapter is embedded as of the claimed revision: its queue entry goes, unless the
-- chapter was saved again meanwhile (then the newer entry stays). Answers whether it went.
create function private.finish_embedding(p_chapter_id uuid, p_revision integer)
returns boolean
language plpgsql
set search_path = ''
as $$
begin
  delete from public.embed_queue q where q.chapter_id = p_chapter_id and q.revision = p_revision;
  return found;
end
$$;

-- The attempt failed: keep what happened (for the service's logs and retries, never a key)
-- and back off 30 s, 1 min, 2 min… up to an hour. A newer save's entry is left alone.
create function private.fail_embedding(p_chapter_id uuid, p_revision integer, p_error text)
returns timestamptz
language plpgsql
set search_path = ''
as $$
declare
  retry_at timestamptz;
begin
  update public.embed_queue q
  set last_error = left(coalesce(p_error, 'unknown error'), 2000),
      not_before = now() + least(interval '1 hour', interval '30 seconds' * power(2, least(greatest(q.attempts - 1, 0), 10)))
  where q.chapter_id = p_chapter_id and q.revision = p_revision
  returning q.not_before into retry_at;
  return retry_at;
end
$$;

comment on function private.claim_embed_batch(integer, interval) is
  'Service role: claims up to p_limit due chapters (attempts + 1, hidden for p_lease), oldest first, skip locked.';
comment on function private.finish_embedding(uuid, integer) is
  'Service role: removes the queue entry of a chapter embedded at this revision; false when it was queued again meanwhile.';
comment on function private.fail_embedding(uuid, integer, text) is
  'Service role: records the error and backs off exponentially (30 s doubling, at most 1 h); answers the retry time.';

revoke all on function private.claim_embed_batch(integer, interval), private.finish_embedding(uuid, integer),
  private.fail_embedding(uuid, integer, text) from public, anon, authenticated;
grant execute on function private.claim_embed_batch(integer, interval), private.finish_embedding(uuid, integer),
  private.fail_embedding(uuid, integer, text) to service_role;

-- ---------------------------------------------------------------------------------------
-- public.chapter_summaries (EchoNotes)
-- ---------------------------------------------------------------------------------------

create table public.chapter_summaries (
  chapter_id uuid primary key,
  tenant_id uuid not null,
  book_id uuid not null,
  summary text not null,
  -- chapters.version the summary was made from; older than the chapter's = stale.
  chapter_version integer not null,
  model text not null,
  created_at timestamptz not null default now(),
  constraint chapter_summaries_chapter_fkey foreign key (chapter_id, book_id, tenant_id)
    references public.chapters (id, book_id, tenant_id) on delete cascade,
  constraint chapter_summaries_summary_check check (char_length(summary) between 1 and 20000),
  constraint chapter_summaries_chapter_version_check check (chapter_version >= 1),
  constraint chapter_summaries_model_check check (char_length(model) between 1 and 200)
);

comment on table public.chapter_summaries is
  'The latest summary of each chapter, reused as context. Written by the chat Edge Function (service role).';

create index chapter_summaries_chapter_id_book_id_tenant_id_idx on public.chapter_summaries (chapter_id, book_id, tenant_id);
create index chapter_summaries_book_id_idx on public.chapter_summaries (book_id);
create index chapter_summaries_tenant_id_idx on public.chapter_summaries (tenant_id);

-- ---------------------------------------------------------------------------------------
-- public.model_prices and public.usage_logs
-- ---------------------------------------------------------------------------------------

create table public.model_prices (
  -- A model id, or a prefix of ids: the longest matching prefix wins (public.model_price).
  -- '' matches every model: the default for unknown and self-hosted models.
  model_prefix text primary key,
  input_usd_per_million numeric(12, 6) not null,
  output_usd_per_million numeric(12, 6) not null,
  updated_at timestamptz not null default now(),
  constraint model_prices_model_prefix_check check (char_length(model_prefix) <= 200),
  constraint model_prices_input_check check (input_usd_per_million >= 0),
  constraint model_prices_output_check check (output_usd_per_million >= 0)
);

comment on table public.model_prices is
  'USD per million tokens by model id or prefix (longest prefix wins; '''' = default 0). Maintained by the service role.';

-- OpenAI's published list prices (standard tier, USD per 1M tokens) when this was written;
-- update them here or from the dashboard. Embedding models have no output tokens.
insert into public.model_prices (model_prefix, input_usd_per_million, output_usd_per_million) values
  ('', 0, 0),
  ('gpt-4o', 2.50, 10.00),
  ('gpt-4o-mini', 0.15, 0.60),
  ('gpt-4.1', 2.00, 8.00),
  ('gpt-4.1-mini', 0.40, 1.60),
  ('gpt-4.1-nano', 0.10, 0.40),
  ('o4-mini', 1.10, 4.40),
  ('text-embedding-3-small', 0.02, 0),
  ('text-embedding-3-large', 0.13, 0),
  ('text-embedding-ada-002', 0.10, 0);

create function public.model_price(p_model text)
returns public.model_prices
language sql
stable
security invoker
set search_path = ''
as $$
  select p.* from public.model_prices p
  where starts_with(coalesce(p_model, ''), p.model_prefix)
  order by char_length(p.model_prefix) desc
  limit 1
$$;

comment on function public.model_price(text) is
  'The price row for a model: the longest model_prefix the id starts with ('''' = the zero default).';

-- Estimated cost in USD, rounded as usage_logs.cost_usd stores it.
create function public.estimate_cost_usd(p_model text, p_prompt_tokens integer, p_completion_tokens integer)
returns numeric(12, 6)
language sql
stable
security invoker
set search_path = ''
as $$
  select round(
    (greatest(coalesce(p_prompt_tokens, 0), 0) * p.input_usd_per_million
     + greatest(coalesce(p_completion_tokens, 0), 0) * p.output_usd_per_million) / 1000000, 6)::numeric(12, 6)
  from public.model_price(p_model) p
$$;

comment on function public.estimate_cost_usd(text, integer, integer) is
  'prompt and completion tokens priced with public.model_price(model), in USD (6 decimals).';

create table public.usage_logs (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references public.tenants (id) on delete cascade,
  -- Who asked; kept (as null) when the account is deleted, the spend still counts.
  user_id uuid references auth.users (id) on delete set null,
  -- The book the call was about; null for calls about no book (e.g. testing a connection)
  -- and once the book is purged.
  book_id uuid,
  -- suggest, critique, summarize, ask, rewrite, expand, shorten, embed…: named by the caller.
  action text not null,
  -- own: the workspace's key; platform: the platform's key (billed to the plan).
  provider text not null,
  model text not null,
  prompt_tokens integer not null default 0,
  completion_tokens integer not null default 0,
  cost_usd numeric(12, 6) not null default 0,
  created_at timestamptz not null default now(),
  constraint usage_logs_book_fkey foreign key (book_id, tenant_id)
    references public.books (id, tenant_id) on delete set null (book_id),
  constraint usage_logs_action_check check (action ~ '^[a-z][a-z_]{0,39}$'),
  constraint usage_logs_provider_check check (provider in ('own', 'platform')),
  constraint usage_logs_model_check check (char_length(model) between 1 and 200),
  constraint usage_logs_tokens_check check (prompt_tokens >= 0 and completion_tokens >= 0),
  constraint usage_logs_cost_check check (cost_usd >= 0)
);

comment on table public.usage_logs is
  'One row per provider call (tokens actually spent and estimated cost). Written by the Edge Functions (service role); owners and admins read the workspace''s rows, writers their own.';

create index usage_logs_tenant_id_created_at_idx on public.usage_logs (tenant_id, created_at desc);
create index usage_logs_user_id_idx on public.usage_logs (user_id);
create index usage_logs_book_id_tenant_id_idx on public.usage_logs (book_id, tenant_id);

-- ---------------------------------------------------------------------------------------
-- Privileges and row-level security
-- ---------------------------------------------------------------------------------------

alter table public.chunks enable row level security;
alter table public.embed_queue enable row level security;
alter table public.chapter_summaries enable row level security;
alter table public.model_prices enable row level security;
alter table public.usage_logs enable row level security;

revoke all on public.chunks, public.embed_queue, public.chapter_summaries, public.model_prices, public.usage_logs
  from anon, authenticated;
grant all on public.chunks, public.embed_queue, public.chapter_summaries, public.model_prices, public.usage_logs
  to service_role;

grant select on public.chunks, public.chapter_summaries, public.model_prices, public.usage_logs to authenticated;
-- The "memory up to date" indicator needs which chapters wait, not why the last try failed
-- (a provider's error text is the service's business).
grant select (chapter_id, tenant_id, book_id, enqueued_at, revision, attempts, not_before) on public.embed_queue to authenticated;

create policy "Members read their workspaces' chunks"
  on public.chunks for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));

create policy "Members see which of their workspaces' chapters wait to be embedded"
  on public.embed_queue for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));

create policy "Members read their workspaces' chapter summaries"
  on public.chapter_summaries for select to authenticated
  using (tenant_id in (select private.user_tenant_ids()));

create policy "Signed-in users read model prices"
  on public.model_prices for select to authenticated
  using (true);

-- Owners and admins see the whole workspace's spend; a writer sees their own calls.
create policy "Owners and admins read their workspaces' usage; writers their own"
  on public.usage_logs for select to authenticated
  using (
    tenant_id in (select private.user_tenant_ids())
    and (user_id = (select auth.uid()) or private.has_tenant_role(tenant_id, array['owner', 'admin']))
  );

revoke all on function public.model_price(text), public.estimate_cost_usd(text, integer, integer) from public, anon;
grant execute on function public.model_price(text), public.estimate_cost_usd(text, integer, integer)
  to authenticated, service_role;

-- ---------------------------------------------------------------------------------------
-- Rate limiting (service role only): fixed windows counted in Postgres
-- ---------------------------------------------------------------------------------------

create table private.rate_limits (
  key text primary key,
  window_start timestamptz not null,
  hits integer not null,
  constraint rate_limits_key_check check (char_length(key) between 1 and 300),
  constraint rate_limits_hits_check check (hits >= 1)
);

comment on table private.rate_limits is 'Counters behind private.rate_limit_hit; one row per key (e.g. chat:tenant:<id>, chat:ip:<ip>).';

revoke all on private.rate_limits from public, anon, authenticated;
grant all on private.rate_limits to service_role;

-- Counts one hit for p_key in the current window of p_window (which starts at the key's
-- first hit) and answers how many seconds the caller must wait: 0 = allowed, > 0 = over
-- p_max hits in this window (answer 429 with Retry-After: that many seconds). Atomic under
-- concurrent calls: the upsert locks the key's row.
create function private.rate_limit_hit(p_key text, p_window interval, p_max integer)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  counted private.rate_limits;
begin
  if p_key is null or p_key = '' or p_window is null or p_window <= interval '0' or p_max is null or p_max < 1 then
    raise exception 'rate_limit_hit needs a key, a positive window and a positive maximum'
      using errcode = 'invalid_parameter_value';
  end if;

  insert into private.rate_limits as r (key, window_start, hits)
  values (p_key, now(), 1)
  on conflict (key) do update
    set window_start = case when r.window_start + p_window <= now() then now() else r.window_start end,
        hits = case when r.window_start + p_window <= now() then 1 else r.hits + 1 end
  returning * into counted;

  if counted.hits <= p_max then
    return 0;
  end if;
  return greatest(1, ceil(extract(epoch from counted.window_start + p_window - now())))::integer;
end
$$;

comment on function private.rate_limit_hit(text, interval, integer) is
  'Service role: counts a hit for key; returns 0 when within p_max hits per window, else the seconds until the window ends.';

revoke all on function private.rate_limit_hit(text, interval, integer) from public, anon, authenticated;
grant execute on function private.rate_limit_hit(text, interval, integer) to service_role;

-- ---------------------------------------------------------------------------------------
-- Hybrid search over a book: full-text + vector, merged by reciprocal rank fusion
-- ---------------------------------------------------------------------------------------

-- Security invoker: runs under the caller's row-level security, so a member finds only
-- their workspaces' chunks (the chat function calls it with the writer's JWT). Chapters in
-- the trash are left out of both candidate lists, so they take no rank. Modes:
--   fulltext: any of the query's words in the book's language, ranked by how many of them
--             a chunk holds, then ts_rank_cd; score = that count + ts_rank_cd;
--   vector:   cosine distance to p_query_embedding through the HNSW index, score = similarity;
--   hybrid:   the top candidates of both (4 × p_limit, at least 40, each) merged with
--             reciprocal rank fusion, score = Σ 1 / (60 + rank). Without an embedding (no
--             provider yet) hybrid is full-text alone; with a blank query, vector alone.
-- p_embed_model, when given, keeps only chunks embedded by that model: vectors of another
-- model are not comparable with the query's.
create function public.search_chunks(
  p_book_id uuid,
  p_query text,
  p_query_embedding extensions.vector(1536),
  p_limit integer default 8,
  p_mode text default 'hybrid',
  p_embed_model text default null
)
returns table (
  id uuid,
  chapter_id uuid,
  chapter_title text,
  ord integer,
  char_start integer,
  char_end integer,
  content text,
  score double precision
)
language plpgsql
stable
security invoker
-- pgvector ≥ 0.8: keep walking the HNSW graph until enough rows pass the book and RLS
-- filters, instead of stopping at ef_search candidates of the whole table.
set hnsw.iterative_scan = 'relaxed_order'
set search_path = ''
as $$
#variable_conflict use_column
declare
  rrf_k constant integer := 60;
  candidates integer;
  config regconfig;
  terms tsquery[];
  ts_query tsquery;
  use_text boolean;
  use_vector boolean;
begin
  if p_mode is null or p_mode not in ('hybrid', 'vector', 'fulltext') then
    raise exception 'Unknown search mode %', coalesce(p_mode, 'null')
      using errcode = 'invalid_parameter_value', hint = 'Use hybrid, vector or fulltext.';
  end if;
  if p_limit is null or p_limit not between 1 and 50 then
    raise exception 'The number of results must be between 1 and 50'
      using errcode = 'invalid_parameter_value';
  end if;
  if p_mode = 'vector' and p_query_embedding is null then
    raise exception 'Vector search needs a query embedding'
      using errcode = 'invalid_parameter_value';
  end if;

  if not exists (select 1 from public.books b where b.id = p_book_id and b.deleted_at is null) then
    return; -- not a book the caller can see (or it is in the trash): nothing to find
  end if;
  -- Every chunk of a book carries the book's configuration (the chunks triggers see to it).
  select c.ts_config into config from public.chunks c where c.book_id = p_book_id limit 1;
  if config is null then
    return; -- nothing indexed yet
  end if;

  -- Any of the question's words (stemmed, stop words dropped), not all of them: a question
  -- rarely has every word in one passage (websearch_to_tsquery's AND found the right chapter
  -- for a quarter of the fixture questions). Passages with more of the words rank first.
  select array_agg(('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''')::tsquery) into terms
  from unnest(tsvector_to_array(to_tsvector(config, coalesce(p_query, '')))) as l;
  if cardinality(terms) > 0 then
    select string_agg(t::text, ' | ')::tsquery into ts_query from unnest(terms) as t;
  end if;
  use_text := p_mode in ('hybrid', 'fulltext') and ts_query is not null;
  use_vector := p_mode in ('hybrid', 'vector') and p_query_embedding is not null;
  candidates := greatest(40, p_limit * 4);

  return query
  with text_hits as (
    select m.id, row_number() over (order by m.matched desc, m.density desc, m.id) as rank,
           (m.matched + m.density)::double precision as rank_score
    from (
      select c.id,
             (select count(*) from unnest(terms) as t where c.tsv @@ t) as matched,
             ts_rank_cd(c.tsv, ts_query) as density
      from public.chunks c
      where use_text and c.book_id = p_book_id and c.tsv @@ ts_query
        and exists (select 1 from public.chapters ch where ch.id = c.chapter_id and ch.deleted_at is null)
    ) m
    order by rank
    limit candidates
  ),
  nearest as (
    select c.id, c.embedding operator(extensions.<=>) p_query_embedding as distance
    from public.chunks c
    where use_vector and c.book_id = p_book_id and c.embedding is not null
      and (p_embed_model is null or c.embed_model = p_embed_model)
      and exists (select 1 from public.chapters ch where ch.id = c.chapter_id and ch.deleted_at is null)
    order by c.embedding operator(extensions.<=>) p_query_embedding
    limit candidates
  ),
  vector_hits as (
    select n.id, row_number() over (order by n.distance, n.id) as rank, 1 - n.distance as similarity
    from nearest n
  ),
  fused as (
    select coalesce(t.id, v.id) as id,
           case p_mode
             when 'fulltext' then t.rank_score
             when 'vector' then v.similarity
             else coalesce(1.0 / (rrf_k + t.rank), 0.0) + coalesce(1.0 / (rrf_k + v.rank), 0.0)
           end::double precision as score
    from text_hits t
    full outer join vector_hits v on v.id = t.id
  )
  select c.id, c.chapter_id, ch.title, c.ord, c.char_start, c.char_end, c.content, f.score
  from fused f
  join public.chunks c on c.id = f.id
  join public.chapters ch on ch.id = c.chapter_id and ch.tenant_id = c.tenant_id
  order by f.score desc, ch.position, c.ord
  limit p_limit;
end
$$;

comment on function public.search_chunks(uuid, text, extensions.vector, integer, text, text) is
  'Chunks of a book matching a question, as the caller sees them: hybrid (RRF k=60 of full-text and vector), vector or fulltext.';

revoke all on function public.search_chunks(uuid, text, extensions.vector, integer, text, text) from public, anon;
grant execute on function public.search_chunks(uuid, text, extensions.vector, integer, text, text) to authenticated, service_role;

-- Retrieval and metering: chunks, the embed queue, chapter summaries, usage logs and prices
-- are sealed per workspace (another workspace's member and anon can neither read nor write;
-- members only read; the service writes); saving a chapter queues it once; search_chunks
-- finds only the caller's chunks, in the book's language, by meaning and by words; the rate
-- limiter counts and answers how long to wait.
begin;
select plan(87);

select tests.create_user('rt-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('rt-bruno@pgtap.test', '{"display_name": "Bruno"}');
select tests.create_user('rt-wanda@pgtap.test', '{"display_name": "Wanda"}');
-- Wanda writes in Ana's workspace.
insert into public.memberships (tenant_id, user_id, role)
values (tests.personal_tenant_id('rt-ana@pgtap.test'), tests.get_user_id('rt-wanda@pgtap.test'), 'writer');

-- A 1536-dimension vector from its first three components (the rest are zero).
create function tests.vec(a real, b real, c real)
returns extensions.vector
language sql
immutable
as $$ select (array[a, b, c] || array_fill(0::real, array[1533]))::extensions.vector $$;
grant execute on function tests.vec(real, real, real) to authenticated, anon, service_role;

create temporary table fixture on commit drop as
with pt as (
  insert into public.books (tenant_id, title, language) values (tests.personal_tenant_id('rt-ana@pgtap.test'), 'Dom Casmurro', 'pt-BR')
  returning id, tenant_id
), en as (
  insert into public.books (tenant_id, title, language) values (tests.personal_tenant_id('rt-ana@pgtap.test'), 'Pride', 'en')
  returning id
), bruno as (
  insert into public.books (tenant_id, title, language) values (tests.personal_tenant_id('rt-bruno@pgtap.test'), 'Bruno''s', 'pt-BR')
  returning id, tenant_id
), chapters as (
  insert into public.chapters (tenant_id, book_id, position, title, content, plain_text)
  select pt.tenant_id, pt.id, n, 'Capítulo ' || n, '{"type":"doc","content":[]}', ''
  from pt, generate_series(1, 3) n
  returning id, position
), en_chapter as (
  insert into public.chapters (tenant_id, book_id, position, title, content)
  select pt.tenant_id, en.id, 0, 'One', '{"type":"doc","content":[]}' from pt, en returning id
), bruno_chapter as (
  insert into public.chapters (tenant_id, book_id, position, title, content)
  select tenant_id, id, 0, 'Um', '{"type":"doc","content":[]}' from bruno returning id
)
select (select id from pt) as book_id, (select tenant_id from pt) as tenant_id, (select id from en) as en_book_id,
       (select id from bruno) as bruno_book_id, (select tenant_id from bruno) as bruno_tenant_id,
       (select id from chapters where position = 1) as ch1, (select id from chapters where position = 2) as ch2,
       (select id from chapters where position = 3) as ch3,
       (select id from en_chapter) as en_ch, (select id from bruno_chapter) as bruno_ch;
grant select on fixture to authenticated, anon, service_role;

-- The embed queue: every new chapter is queued once -----------------------------------------------

select results_eq('select count(*)::int from public.embed_queue q join fixture f on q.chapter_id in (f.ch1, f.ch2, f.ch3, f.en_ch, f.bruno_ch)',
  array[5], 'each new chapter is queued');

-- As if the embed function had tried and failed once.
update public.embed_queue set attempts = 2, last_error = 'provider down', not_before = now() + interval '1 hour',
  enqueued_at = now() - interval '1 day'
where chapter_id = (select ch1 from fixture);

select tests.authenticate_as('rt-ana@pgtap.test');
select lives_ok(format('update public.chapters set title = %L where id = %L', 'Renamed', (select ch1 from fixture)),
  'a member renames a chapter');
select results_eq(format('select attempts from public.embed_queue where chapter_id = %L', (select ch1 from fixture)),
  array[2], 'a rename does not queue the chapter again (its text did not change)');
select is(public.save_chapter((select ch1 from fixture), 1,
    '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"O cavalo."}]}]}', 'O cavalo.', 2) ->> 'status',
  'saved', 'a member saves the chapter''s text');
select results_eq(format('select count(*)::int, min(attempts), bool_and(enqueued_at = now()), bool_and(not_before <= now()) from public.embed_queue where chapter_id = %L', (select ch1 from fixture)),
  $$values (1, 0, true, true)$$, 'saving queues it again: still one row, from now, attempts reset');
select is(public.save_chapter((select ch1 from fixture), 2,
    '{"type":"doc","content":[{"type":"paragraph","content":[{"type":"text","text":"O cavalo correu."}]}]}', 'O cavalo correu.', 3) ->> 'status',
  'saved', 'a second save');
select results_eq(format('select count(*)::int from public.embed_queue where chapter_id = %L', (select ch1 from fixture)),
  array[1], 'a second save leaves one queue row (no duplicates)');

select tests.clear_authentication();
update public.embed_queue set attempts = 5 where chapter_id = (select ch2 from fixture);
select tests.authenticate_as('rt-ana@pgtap.test');
update public.chapters set deleted_at = now() where id = (select ch2 from fixture);
select tests.clear_authentication();
select results_eq(format('select attempts from public.embed_queue where chapter_id = %L', (select ch2 from fixture)),
  array[0], 'moving a chapter to the trash queues it');
update public.embed_queue set attempts = 5 where chapter_id = (select ch2 from fixture);
select tests.authenticate_as('rt-ana@pgtap.test');
update public.chapters set deleted_at = null where id = (select ch2 from fixture);
select tests.clear_authentication();
select results_eq(format('select attempts from public.embed_queue where chapter_id = %L', (select ch2 from fixture)),
  array[0], 'restoring it queues it again');

-- The service writes chunks; the book's language picks the text search configuration ------------

select tests.authenticate_as_service_role();

insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end, embedding, embed_model)
select f.tenant_id, f.book_id, x.chapter_id, x.ord, x.content, encode(sha256(convert_to(x.content, 'UTF8')), 'hex'),
       x.char_start, x.char_start + char_length(x.content), x.embedding, case when x.embedding is null then null else 'test-embed' end
from fixture f, lateral (values
  (f.ch1, 0, 0, 'O cavalo correu pelo campo até a casa de Capitu.', tests.vec(1, 0, 0)),
  (f.ch1, 1, 40, 'Capitu tinha olhos de cigana oblíqua e dissimulada.', tests.vec(0.8, 0.6, 0)),
  (f.ch3, 0, 0, 'Bentinho pensava no seminário e na promessa da mãe.', tests.vec(0, 1, 0)),
  (f.ch3, 1, 45, 'A noite caiu sobre o Engenho Novo em silêncio.', tests.vec(0, 0, 1)),
  (f.ch2, 0, 0, 'Um cavalo no capítulo que vai para a lixeira.', tests.vec(1, 0, 0)),
  (f.ch3, 2, 90, 'Ainda sem vetor: os cavalos esperavam.', null)
) as x (chapter_id, ord, char_start, content, embedding);

insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end)
select f.tenant_id, f.en_book_id, f.en_ch, 0, 'The horses ran across the fields.', repeat('a', 64), 0, 33 from fixture f;
insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end, embedding, embed_model)
select f.bruno_tenant_id, f.bruno_book_id, f.bruno_ch, 0, 'O cavalo de Bruno.', repeat('b', 64), 0, 18, tests.vec(1, 0, 0), 'test-embed' from fixture f;

insert into public.chapter_summaries (chapter_id, tenant_id, book_id, summary, chapter_version, model)
select ch1, tenant_id, book_id, 'Um cavalo corre.', 3, 'gpt-4o-mini' from fixture
union all select bruno_ch, bruno_tenant_id, bruno_book_id, 'Resumo de Bruno.', 1, 'gpt-4o-mini' from fixture;

insert into public.usage_logs (tenant_id, user_id, book_id, action, provider, model, prompt_tokens, completion_tokens, cost_usd)
select tenant_id, tests.get_user_id('rt-ana@pgtap.test'), book_id, 'suggest', 'own', 'gpt-4o-mini', 100, 20, 0.000027 from fixture
union all select tenant_id, tests.get_user_id('rt-wanda@pgtap.test'), book_id, 'ask', 'platform', 'gpt-4o-mini', 200, 40, 0.000054 from fixture
union all select bruno_tenant_id, tests.get_user_id('rt-bruno@pgtap.test'), null, 'critique', 'own', 'gpt-4o', 10, 10, 0.000125 from fixture;

select results_eq(format('select distinct ts_config::text from public.chunks where book_id = %L', (select book_id from fixture)),
  array['portuguese'], 'a pt-BR book''s chunks are indexed in Portuguese');
select results_eq(format('select ts_config::text from public.chunks where book_id = %L', (select en_book_id from fixture)),
  array['english'], 'an en book''s chunks in English');
select results_eq(format('select tsv @@ websearch_to_tsquery(''english'', ''horse'') from public.chunks where book_id = %L', (select en_book_id from fixture)),
  array[true], 'English stemming: horse finds horses');

select tests.clear_authentication();
update public.books set language = 'other' where id = (select en_book_id from fixture);
select results_eq(format('select ts_config::text from public.chunks where book_id = %L', (select en_book_id from fixture)),
  array['simple'], 'a book changing language re-indexes its chunks (simple for other languages)');
update public.books set language = 'en' where id = (select en_book_id from fixture);

-- Another workspace's member ------------------------------------------------------------------------

select tests.authenticate_as('rt-bruno@pgtap.test');

select results_eq('select count(*)::int from public.chunks', array[1], 'B sees only B''s own chunk');
select is_empty(format('select 1 from public.chunks where tenant_id = %L', (select tenant_id from fixture)), 'B cannot read A''s chunks');
select is_empty(format('select 1 from public.embed_queue where tenant_id = %L', (select tenant_id from fixture)), 'B cannot see A''s queue');
select is_empty(format('select 1 from public.chapter_summaries where tenant_id = %L', (select tenant_id from fixture)), 'B cannot read A''s summaries');
select is_empty(format('select 1 from public.usage_logs where tenant_id = %L', (select tenant_id from fixture)), 'B cannot read A''s usage');
select is_empty(format('select * from public.search_chunks(%L, %L, %L, 8, %L)', (select book_id from fixture), 'cavalo', tests.vec(1, 0, 0), 'hybrid'),
  'B''s search in A''s book finds nothing');
select throws_ok(format('insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end) values (%L, %L, %L, 9, %L, %L, 0, 1)',
    (select tenant_id from fixture), (select book_id from fixture), (select ch1 from fixture), 'x', repeat('c', 64)),
  '42501', 'permission denied for table chunks', 'B cannot write chunks into A''s book');
select throws_ok(format('delete from public.chunks where tenant_id = %L', (select tenant_id from fixture)),
  '42501', 'permission denied for table chunks', 'B cannot delete A''s chunks');
select throws_ok(format('insert into public.embed_queue (chapter_id, tenant_id, book_id) values (%L, %L, %L)',
    (select ch3 from fixture), (select tenant_id from fixture), (select book_id from fixture)),
  '42501', 'permission denied for table embed_queue', 'B cannot queue A''s chapters');
select throws_ok(format('insert into public.chapter_summaries (chapter_id, tenant_id, book_id, summary, chapter_version, model) values (%L, %L, %L, %L, 1, %L)',
    (select ch3 from fixture), (select tenant_id from fixture), (select book_id from fixture), 'x', 'm'),
  '42501', 'permission denied for table chapter_summaries', 'B cannot write A''s summaries');
select throws_ok(format('insert into public.usage_logs (tenant_id, action, provider, model) values (%L, %L, %L, %L)',
    (select tenant_id from fixture), 'suggest', 'own', 'm'),
  '42501', 'permission denied for table usage_logs', 'B cannot write A''s usage');

-- anon ------------------------------------------------------------------------------------------------

select tests.authenticate_as_anon();

select throws_ok('select 1 from public.chunks', '42501', 'permission denied for table chunks', 'anon cannot read chunks');
select throws_ok('select 1 from public.embed_queue', '42501', 'permission denied for table embed_queue', 'anon cannot read the queue');
select throws_ok('select 1 from public.chapter_summaries', '42501', 'permission denied for table chapter_summaries', 'anon cannot read summaries');
select throws_ok('select 1 from public.usage_logs', '42501', 'permission denied for table usage_logs', 'anon cannot read usage');
select throws_ok('select 1 from public.model_prices', '42501', 'permission denied for table model_prices', 'anon cannot read prices');
select throws_ok(format('insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end) values (%L, %L, %L, 9, %L, %L, 0, 1)',
    (select tenant_id from fixture), (select book_id from fixture), (select ch1 from fixture), 'x', repeat('c', 64)),
  '42501', 'permission denied for table chunks', 'anon cannot write chunks');
select throws_ok(format('insert into public.usage_logs (tenant_id, action, provider, model) values (%L, %L, %L, %L)',
    (select tenant_id from fixture), 'suggest', 'own', 'm'),
  '42501', 'permission denied for table usage_logs', 'anon cannot write usage');
select throws_ok(format('select * from public.search_chunks(%L, %L, null)', (select book_id from fixture), 'cavalo'),
  '42501', 'permission denied for function search_chunks', 'anon cannot search');
select throws_ok($$select private.rate_limit_hit('x', interval '1 minute', 1)$$,
  '42501', 'permission denied for schema private', 'anon cannot touch the rate limiter');

-- The workspace's members: read, never write ------------------------------------------------------------

select tests.authenticate_as('rt-ana@pgtap.test');

select results_eq(format('select count(*)::int from public.chunks where book_id = %L', (select book_id from fixture)),
  array[6], 'A reads their book''s chunks');
select results_eq(format('select summary from public.chapter_summaries where chapter_id = %L', (select ch1 from fixture)),
  array['Um cavalo corre.'], 'A reads their summaries');
select results_eq(format('select count(*)::int from public.embed_queue where book_id = %L', (select book_id from fixture)),
  array[3], 'A sees which of their chapters wait to be embedded');
select throws_ok('select last_error from public.embed_queue', '42501', 'permission denied for table embed_queue',
  'but not the error text of a failed attempt');
select throws_ok(format('update public.chunks set content = %L where book_id = %L', 'hacked', (select book_id from fixture)),
  '42501', 'permission denied for table chunks', 'A cannot change chunks (only the embed function does)');
select throws_ok(format('insert into public.chunks (tenant_id, book_id, chapter_id, ord, content, content_hash, char_start, char_end) values (%L, %L, %L, 9, %L, %L, 0, 1)',
    (select tenant_id from fixture), (select book_id from fixture), (select ch1 from fixture), 'x', repeat('c', 64)),
  '42501', 'permission denied for table chunks', 'A cannot add chunks');
select throws_ok(format('delete from public.embed_queue where book_id = %L', (select book_id from fixture)),
  '42501', 'permission denied for table embed_queue', 'A cannot empty the queue');
select throws_ok(format('update public.chapter_summaries set summary = %L', 'x'),
  '42501', 'permission denied for table chapter_summaries', 'A cannot change summaries');
select throws_ok(format('insert into public.usage_logs (tenant_id, action, provider, model) values (%L, %L, %L, %L)',
    (select tenant_id from fixture), 'suggest', 'own', 'm'),
  '42501', 'permission denied for table usage_logs', 'A cannot log usage (no free tokens by deleting or forging rows)');
select throws_ok(format('delete from public.usage_logs where tenant_id = %L', (select tenant_id from fixture)),
  '42501', 'permission denied for table usage_logs', 'A cannot delete usage');
select throws_ok($$update public.model_prices set input_usd_per_million = 0$$,
  '42501', 'permission denied for table model_prices', 'A cannot change prices');
select throws_ok($$select private.rate_limit_hit('x', interval '1 minute', 1)$$,
  '42501', 'permission denied for function rate_limit_hit', 'A cannot touch the rate limiter');
select results_eq('select action from public.usage_logs order by action',
  array['ask', 'suggest'], 'A, the owner, reads the whole workspace''s usage');

select tests.authenticate_as('rt-wanda@pgtap.test');
select results_eq('select action from public.usage_logs', array['ask'], 'Wanda, a writer, reads only her own calls');
select results_eq(format('select count(*)::int from public.chunks where book_id = %L', (select book_id from fixture)),
  array[6], 'Wanda reads the workspace''s chunks');

-- search_chunks ------------------------------------------------------------------------------------------

select tests.authenticate_as('rt-ana@pgtap.test');
-- Chapter 2 goes to the trash (again): its chunk stays, but search leaves it out.
update public.chapters set deleted_at = now() where id = (select ch2 from fixture);

select set_eq(format('select content from public.search_chunks(%L, %L, null, 8, %L)', (select book_id from fixture), 'cavalos', 'fulltext'),
  array['O cavalo correu pelo campo até a casa de Capitu.', 'Ainda sem vetor: os cavalos esperavam.'],
  'full-text search stems Portuguese (cavalos finds cavalo), leaves out the trashed chapter and includes chunks without a vector');
select set_eq(format('select content from public.search_chunks(%L, %L, null, 8, %L)', (select book_id from fixture), 'Onde estava o cavalo naquela noite?', 'fulltext'),
  array['O cavalo correu pelo campo até a casa de Capitu.', 'Ainda sem vetor: os cavalos esperavam.', 'A noite caiu sobre o Engenho Novo em silêncio.'],
  'a question finds passages holding any of its words, not only all of them');
select is_empty(format('select 1 from public.search_chunks(%L, %L, null, 8, %L)', (select bruno_book_id from fixture), 'cavalo', 'fulltext'),
  'A''s search in B''s book finds nothing');
select results_eq(format('select chapter_id, chapter_title, ord, char_start, char_end from public.search_chunks(%L, %L, null, 1, %L)',
    (select book_id from fixture), 'olhos de cigana', 'fulltext'),
  format('values (%L::uuid, %L, 1, 40, 91)', (select ch1 from fixture), 'Renamed'),
  'a hit says where it is: chapter, title, order and character range');
select results_eq(format('select content from public.search_chunks(%L, %L, %L, 3, %L)', (select book_id from fixture), '', tests.vec(0.9, 0.1, 0.05), 'vector'),
  array['O cavalo correu pelo campo até a casa de Capitu.', 'Capitu tinha olhos de cigana oblíqua e dissimulada.', 'Bentinho pensava no seminário e na promessa da mãe.'],
  'vector search orders by similarity');
select results_eq(format('select round(score::numeric, 3) from public.search_chunks(%L, null, %L, 1, %L)', (select book_id from fixture), tests.vec(1, 0, 0), 'vector'),
  array[1.000], 'a vector hit''s score is its cosine similarity');
select is_empty(format('select 1 from public.search_chunks(%L, null, %L, 8, %L, %L)', (select book_id from fixture), tests.vec(1, 0, 0), 'vector', 'another-model'),
  'vectors of another embedding model are not compared');
select results_eq(format('select content from public.search_chunks(%L, %L, %L, 8, %L)', (select book_id from fixture), 'noite', tests.vec(0.8, 0.6, 0), 'hybrid'),
  array['A noite caiu sobre o Engenho Novo em silêncio.', 'Capitu tinha olhos de cigana oblíqua e dissimulada.',
        'O cavalo correu pelo campo até a casa de Capitu.', 'Bentinho pensava no seminário e na promessa da mãe.'],
  'hybrid merges both lists by reciprocal rank fusion: the chunk in both lists first, then the rest by their vector rank');
select results_eq(format('select content, round(score::numeric, 6) from public.search_chunks(%L, %L, %L, 2, %L)', (select book_id from fixture), 'Capitu olhos', tests.vec(0.8, 0.6, 0), 'hybrid'),
  $$values ('Capitu tinha olhos de cigana oblíqua e dissimulada.'::text, round(1.0 / 61 + 1.0 / 61, 6)),
           ('O cavalo correu pelo campo até a casa de Capitu.'::text, round(1.0 / 62 + 1.0 / 62, 6))$$,
  'a chunk found by both words and meaning ranks first, scored 1/(60 + rank) from each list; more of the words rank higher');
select results_eq(format('select content from public.search_chunks(%L, %L, null)', (select book_id from fixture), 'seminário'),
  array['Bentinho pensava no seminário e na promessa da mãe.'], 'hybrid without an embedding (no provider yet) is full-text');
select throws_ok(format('select * from public.search_chunks(%L, %L, null, 8, %L)', (select book_id from fixture), 'x', 'fuzzy'),
  '22023', 'Unknown search mode fuzzy', 'an unknown mode is refused');
select throws_ok(format('select * from public.search_chunks(%L, %L, null, 500)', (select book_id from fixture), 'x'),
  '22023', 'The number of results must be between 1 and 50', 'too many results are refused');

-- Prices --------------------------------------------------------------------------------------------------

select results_eq($$select model_prefix, input_usd_per_million, output_usd_per_million from public.model_price('gpt-4o-mini-2024-07-18')$$,
  $$values ('gpt-4o-mini'::text, 0.15::numeric(12, 6), 0.60::numeric(12, 6))$$, 'a dated model id gets its family''s price (longest prefix)');
select results_eq($$select model_prefix from public.model_price('gpt-4o-2024-08-06')$$, array['gpt-4o'], 'gpt-4o is not priced as gpt-4o-mini');
select results_eq($$select model_prefix, input_usd_per_million, output_usd_per_million from public.model_price('llama3.1:8b')$$,
  $$values (''::text, 0::numeric(12, 6), 0::numeric(12, 6))$$, 'an unknown or self-hosted model costs 0');
select is(public.estimate_cost_usd('gpt-4o', 1000000, 100000), 3.500000::numeric(12, 6), 'estimated cost: 1M in + 100k out of gpt-4o = 3.50 USD');
select is(public.estimate_cost_usd('text-embedding-3-small', 1234, 0), 0.000025::numeric(12, 6), 'embedding tokens are priced too (rounded to 6 decimals)');

-- Draining the queue and storing chunks (service role) ----------------------------------------------

select tests.authenticate_as('rt-ana@pgtap.test');
select throws_ok('select * from private.claim_embed_batch(1)', '42501', 'permission denied for function claim_embed_batch',
  'a member cannot drain the queue');
select throws_ok(format('select private.replace_chapter_chunks(%L, %L, %L)', (select ch3 from fixture), 'm', '[]'),
  '42501', 'permission denied for function replace_chapter_chunks', 'a member cannot store chunks');

select tests.clear_authentication();
-- Only chapters 3 and the English one are due; chapter 3 waited longer.
update public.embed_queue set not_before = now() + interval '1 day';
update public.embed_queue set not_before = now() - interval '1 second', enqueued_at = now() - interval '1 minute'
where chapter_id = (select ch3 from fixture);
update public.embed_queue set not_before = now() - interval '1 second' where chapter_id = (select en_ch from fixture);

select tests.authenticate_as_service_role();
create temporary table claimed on commit drop as select * from private.claim_embed_batch(1);
create temporary table claimed_more on commit drop as select * from private.claim_embed_batch(5);
select results_eq('select chapter_id, attempts, not_before = now() + interval ''5 minutes'' from claimed',
  format('values (%L::uuid, 1, true)', (select ch3 from fixture)),
  'a claim takes the chapter waiting longest, counts an attempt and hides it for the lease');
select results_eq('select chapter_id from claimed_more', array[(select en_ch from fixture)], 'the next claim takes the other due chapter only');
select is_empty('select * from private.claim_embed_batch(5)', 'claimed chapters are not handed out twice');

select is(private.finish_embedding((select ch3 from fixture), (select revision from claimed)), true, 'finishing removes the entry');
select is_empty(format('select 1 from public.embed_queue where chapter_id = %L', (select ch3 from fixture)), 'chapter 3 is up to date');

select tests.clear_authentication();
update public.chapters set plain_text = 'The horses ran again.' where id = (select en_ch from fixture);
select tests.authenticate_as_service_role();
select is(private.finish_embedding((select en_ch from fixture), (select revision from claimed_more)), false,
  'a chapter saved again while it was being embedded stays queued');
select is(private.fail_embedding((select en_ch from fixture), (select revision from claimed_more), 'boom'), null,
  'a failure of the old attempt does not touch the newer entry');
select is(private.fail_embedding((select en_ch from fixture), (select revision from claimed_more) + 1, 'provider down'),
  now() + interval '30 seconds', 'a failure backs off (30 s after the first)');
select results_eq(format('select last_error from public.embed_queue where chapter_id = %L', (select en_ch from fixture)),
  array['provider down'], 'and keeps what happened for the service');

select results_eq(format($$select private.replace_chapter_chunks(%L, 'test-embed', %L)$$, (select ch3 from fixture),
    jsonb_build_array(
      jsonb_build_object('ord', 0, 'content', 'Bentinho pensava no seminário e na promessa da mãe.',
        'content_hash', encode(sha256(convert_to('Bentinho pensava no seminário e na promessa da mãe.', 'UTF8')), 'hex'),
        'char_start', 0, 'char_end', 51, 'embedding', null),
      jsonb_build_object('ord', 1, 'content', 'A noite caiu.', 'content_hash', repeat('d', 64),
        'char_start', 45, 'char_end', 58, 'embedding', to_jsonb(tests.vec(0, 0.6, 0.8)::real[])),
      jsonb_build_object('ord', 2, 'content', 'Um trecho novo.', 'content_hash', repeat('e', 64),
        'char_start', 60, 'char_end', 75, 'embedding', null))),
  $$values ('{"chunks": 3, "embedded": 1, "reused": 1, "missing": 1}'::jsonb)$$,
  'storing a chapter''s chunks reuses the embedding of an unchanged chunk and takes the new ones');
select results_eq(format('select ord, embedding = %L, embed_model from public.chunks where chapter_id = %L order by ord',
    tests.vec(0, 1, 0), (select ch3 from fixture)),
  $$values (0, true, 'test-embed'::text), (1, false, 'test-embed'), (2, null, null)$$,
  'the unchanged chunk kept its vector; the new one without a vector waits for one');
select throws_ok(format($$select private.replace_chapter_chunks(%L, 'test-embed', %L)$$, (select ch3 from fixture),
    jsonb_build_array(jsonb_build_object('ord', 0, 'content', 'x', 'content_hash', repeat('f', 64), 'char_start', 0, 'char_end', 1,
      'embedding', jsonb_build_array(1, 0, 0)))),
  '22000', 'expected 1536 dimensions, not 3', 'an embedding of another size is refused');

-- Rate limiting (service role) --------------------------------------------------------------------------------

select tests.authenticate_as_service_role();

select results_eq($$select private.rate_limit_hit('chat:test', interval '1 minute', 3) from generate_series(1, 4)$$,
  array[0, 0, 0, 60], 'three hits in a minute are allowed; the fourth waits for the window''s end (60 s)');
select is(private.rate_limit_hit('chat:other', interval '1 minute', 3), 0, 'another key counts on its own');
select throws_ok($$select private.rate_limit_hit('chat:test', interval '0', 3)$$,
  '22023', 'rate_limit_hit needs a key, a positive window and a positive maximum', 'a window must be positive');

select tests.clear_authentication();
update private.rate_limits set window_start = now() - interval '45 seconds' where key = 'chat:test';
select tests.authenticate_as_service_role();
select is(private.rate_limit_hit('chat:test', interval '1 minute', 3), 15, 'later in the window, the wait is what is left of it');
select tests.clear_authentication();
update private.rate_limits set window_start = now() - interval '61 seconds' where key = 'chat:test';
select tests.authenticate_as_service_role();
select is(private.rate_limit_hit('chat:test', interval '1 minute', 3), 0, 'a new window starts counting from zero');

-- Purges ------------------------------------------------------------------------------------------------

select tests.clear_authentication();
delete from public.books where id = (select book_id from fixture);
select results_eq(format('select count(*)::int, count(book_id)::int from public.usage_logs where tenant_id = %L', (select tenant_id from fixture)),
  $$values (2, 0)$$, 'purging a book keeps its usage (the spend happened), without the book');
select is_empty(format('select 1 from public.chunks where book_id = %L union all select 1 from public.embed_queue where book_id = %L union all select 1 from public.chapter_summaries where book_id = %L',
    (select book_id from fixture), (select book_id from fixture), (select book_id from fixture)),
  'and takes its chunks, queue entries and summaries with it');
delete from public.tenants where id = (select bruno_tenant_id from fixture);
select is_empty(format('select 1 from public.usage_logs where tenant_id = %L union all select 1 from public.chunks where tenant_id = %L',
    (select bruno_tenant_id from fixture), (select bruno_tenant_id from fixture)),
  'deleting a workspace deletes its usage and chunks');

select * from finish();
rollback;

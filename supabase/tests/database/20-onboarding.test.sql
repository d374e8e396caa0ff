-- Onboarding progress: each person reads and writes only their own row, only in a workspace
-- they belong to; another workspace's member and anon see nothing; the row outlives the
-- workspace and book it pointed at, so a closed wizard stays closed.
begin;
select plan(16);

select tests.create_user('ob-ana@pgtap.test', '{"display_name": "Ana"}');
select tests.create_user('ob-bruno@pgtap.test', '{"display_name": "Bruno"}');
select tests.create_user('ob-wanda@pgtap.test', '{"display_name": "Wanda"}');
insert into public.memberships (tenant_id, user_id, role)
values (tests.personal_tenant_id('ob-ana@pgtap.test'), tests.get_user_id('ob-wanda@pgtap.test'), 'writer');

create temporary table fixture on commit drop as
with book as (
  insert into public.books (tenant_id, title, language) values (tests.personal_tenant_id('ob-ana@pgtap.test'), 'Primeiro', 'pt-BR')
  returning id, tenant_id
)
select (select id from book) as book_id, (select tenant_id from book) as tenant_id,
       tests.personal_tenant_id('ob-bruno@pgtap.test') as bruno_tenant_id;
grant select on fixture to authenticated, anon;

-- Ana starts the wizard in her workspace ---------------------------------------------------
select tests.authenticate_as('ob-ana@pgtap.test');
select lives_ok(
  $$ insert into public.onboarding_progress (user_id, tenant_id, book_id) select auth.uid(), tenant_id, book_id from fixture $$,
  'a person starts their own wizard in their workspace with its book');
select is((select count(*)::int from public.onboarding_progress), 1, 'and reads their own row');
select is((tests.error_of($$ insert into public.onboarding_progress (user_id) values (tests.get_user_id('ob-bruno@pgtap.test')) $$))->>'code',
  '42501', 'nobody writes a row for someone else');
select is((tests.error_of($$ update public.onboarding_progress set tenant_id = (select bruno_tenant_id from fixture), book_id = null $$))->>'code',
  '42501', 'nor points their row at a workspace they do not belong to');
select is((tests.error_of($$ update public.onboarding_progress set key_step = 'maybe' $$))->>'constraint',
  'onboarding_progress_key_step_check', 'step 2 ends in saved, platform or skipped only');
select lives_ok($$ update public.onboarding_progress set key_step = 'skipped' $$, 'the owner of the row records step 2');
select is((tests.error_of($$ delete from public.onboarding_progress $$))->>'code', '42501', 'rows are not deleted by clients (closing is a timestamp)');

-- Wanda, a writer in the same workspace, sees only her own row ---------------------------------
select tests.authenticate_as('ob-wanda@pgtap.test');
select is((select count(*)::int from public.onboarding_progress), 0, 'a co-member does not see someone else''s progress');
select lives_ok($$ insert into public.onboarding_progress (user_id, tenant_id) select auth.uid(), tenant_id from fixture $$,
  'a writer starts their own wizard in the shared workspace');
update public.onboarding_progress set dismissed_at = now() where user_id <> auth.uid();
select tests.clear_authentication();
select is((select dismissed_at from public.onboarding_progress where user_id = tests.get_user_id('ob-ana@pgtap.test')), null,
  'a co-member cannot change someone else''s row');

-- Bruno (another workspace) and anon -----------------------------------------------------------
select tests.authenticate_as('ob-bruno@pgtap.test');
select is((select count(*)::int from public.onboarding_progress), 0, 'another workspace''s member sees no row');
select is((tests.error_of($$ insert into public.onboarding_progress (user_id, tenant_id) select auth.uid(), tenant_id from fixture $$))->>'code',
  '42501', 'and cannot start a wizard in a workspace they do not belong to');
select tests.authenticate_as_anon();
select is((tests.error_of($$ select * from public.onboarding_progress $$))->>'code', '42501', 'anon cannot read onboarding progress');
select is((tests.error_of($$ insert into public.onboarding_progress (user_id) values (gen_random_uuid()) $$))->>'code', '42501', 'anon cannot write it');
select tests.clear_authentication();

-- The row outlives its book and workspace ----------------------------------------------------
update public.onboarding_progress set finished_at = now() where user_id = tests.get_user_id('ob-ana@pgtap.test');
delete from public.books where id = (select book_id from fixture);
select is((select book_id from public.onboarding_progress where user_id = tests.get_user_id('ob-ana@pgtap.test')), null,
  'deleting the book forgets it but keeps the progress');
delete from public.tenants where id = (select tenant_id from fixture);
select results_eq(
  $$ select tenant_id is null and finished_at is not null from public.onboarding_progress where user_id = tests.get_user_id('ob-ana@pgtap.test') $$,
  array[true], 'deleting the workspace keeps the person''s finished wizard closed');

select * from finish();
rollback;

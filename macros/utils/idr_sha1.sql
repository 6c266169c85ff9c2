{#-
    The SHA-1 digest of the UTF-8 bytes of string expression `expr`, as 40 lower-case hex digits;
    null stays null. Profiles Sync's external_id_hash is this digest of type || value.
-#}
{% macro idr_sha1(expr) %}
    {{- return(adapter.dispatch('idr_sha1', 'identity_resolution')(expr)) -}}
{% endmacro %}

{#- DuckDB, Spark, Snowflake, Databricks, Redshift: sha1() returns lower-case hex already. -#}
{% macro default__idr_sha1(expr) -%}
    sha1({{ expr }})
{%- endmacro %}

{#- BigQuery: sha1() returns bytes (https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions). -#}
{% macro bigquery__idr_sha1(expr) -%}
    to_hex(sha1({{ expr }}))
{%- endmacro %}

{#- PostgreSQL has no built-in SHA-1 (only md5 and sha224-512; sha1 is pgcrypto's digest(), an
    extension): digest() when the database has it, otherwise FIPS 180-4 in plain SQL below. -#}
{% macro postgres__idr_sha1(expr) -%}
    {%- set has_digest = false -%}
    {%- if execute -%}
        {%- set has_digest = identity_resolution.idr_query_value(
            "select to_regprocedure('digest(bytea, text)') is not null") -%}
    {%- endif -%}
    {%- if has_digest -%}
    encode(digest(convert_to({{ expr }}, 'UTF8'), 'sha1'), 'hex')
    {%- else -%}
    {{ identity_resolution._idr_sha1_sql(expr) }}
    {%- endif -%}
{%- endmacro %}

{#- SHA-1 as a scalar subquery (PostgreSQL): the message padded to 64-byte blocks, then one row of a
    recursive CTE per round (80 per block), carrying the state, the block's last 16 schedule words
    and the hash so far. 32-bit arithmetic on bigint, masked. About 0.3 ms per value. -#}
{% macro _idr_sha1_sql(expr) -%}
    {%- set m = '4294967295' -%}
    (
        with recursive
        message as (
            select
                bytes || '\x80'::bytea || decode(repeat('00', ((55 - length(bytes)) % 64 + 64) % 64), 'hex')
                    || decode(lpad(to_hex(length(bytes)::bigint * 8), 16, '0'), 'hex') as padded
            from (select convert_to({{ expr }}, 'UTF8') as bytes) as input
        ),

        rounds (i, h0, h1, h2, h3, h4, a, b, c, d, e, w) as (
            select
                0,
                1732584193::bigint, 4023233417::bigint, 2562383102::bigint, 271733878::bigint, 3285377520::bigint,
                1732584193::bigint, 4023233417::bigint, 2562383102::bigint, 271733878::bigint, 3285377520::bigint,
                array[]::bigint[]

            union all

            select
                r.i + 1,
                case when s.t = 79 then (r.h0 + f.a_next) & {{ m }} else r.h0 end,
                case when s.t = 79 then (r.h1 + r.a) & {{ m }} else r.h1 end,
                case when s.t = 79 then (r.h2 + f.c_next) & {{ m }} else r.h2 end,
                case when s.t = 79 then (r.h3 + r.c) & {{ m }} else r.h3 end,
                case when s.t = 79 then (r.h4 + r.d) & {{ m }} else r.h4 end,
                case when s.t = 79 then (r.h0 + f.a_next) & {{ m }} else f.a_next end,
                case when s.t = 79 then (r.h1 + r.a) & {{ m }} else r.a end,
                case when s.t = 79 then (r.h2 + f.c_next) & {{ m }} else f.c_next end,
                case when s.t = 79 then (r.h3 + r.c) & {{ m }} else r.c end,
                case when s.t = 79 then (r.h4 + r.d) & {{ m }} else r.d end,
                case when s.t = 79 then array[]::bigint[] when s.t < 16 then r.w || s.word else r.w[2:16] || s.word end
            from rounds as r
            cross join message
            cross join lateral (
                select
                    r.i % 80 as t,
                    case
                        when r.i % 80 < 16 then
                            (get_byte(message.padded, r.i / 80 * 64 + r.i % 80 * 4)::bigint << 24)
                            | (get_byte(message.padded, r.i / 80 * 64 + r.i % 80 * 4 + 1)::bigint << 16)
                            | (get_byte(message.padded, r.i / 80 * 64 + r.i % 80 * 4 + 2)::bigint << 8)
                            | get_byte(message.padded, r.i / 80 * 64 + r.i % 80 * 4 + 3)::bigint
                        else
                            (((r.w[14] # r.w[9] # r.w[3] # r.w[1]) << 1)
                                | ((r.w[14] # r.w[9] # r.w[3] # r.w[1]) >> 31)) & {{ m }}
                    end as word
            ) as s
            cross join lateral (
                select
                    ((((r.a << 5) | (r.a >> 27)) & {{ m }})
                        + case
                            when s.t < 20 then (r.b & r.c) | (~r.b & r.d)
                            when s.t < 40 or s.t >= 60 then r.b # r.c # r.d
                            else (r.b & r.c) | (r.b & r.d) | (r.c & r.d)
                        end
                        + r.e + s.word
                        + case
                            when s.t < 20 then 1518500249
                            when s.t < 40 then 1859775393
                            when s.t < 60 then 2400959708
                            else 3395469782
                        end
                    ) & {{ m }} as a_next,
                    ((r.b << 30) | (r.b >> 2)) & {{ m }} as c_next
            ) as f
            where r.i < length(message.padded) / 64 * 80
        )

        select
            lpad(to_hex(h0), 8, '0') || lpad(to_hex(h1), 8, '0') || lpad(to_hex(h2), 8, '0')
                || lpad(to_hex(h3), 8, '0') || lpad(to_hex(h4), 8, '0')
        from rounds
        where i = (select length(padded) / 64 * 80 from message)
    )
{%- endmacro %}

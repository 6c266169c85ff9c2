{#-
    A time column of a raw table as a UTC timestamp, whatever its type, independent of the
    session's and the machine's time zone:
      * a timestamp with time zone is converted to UTC;
      * a timestamp without time zone is taken as UTC;
      * a date is midnight UTC;
      * a string must look like YYYY-MM-DD[( |T)HH:MM[:SS[.ffffff]]][ ][Z|+HH[[:]MM]|-HH[[:]MM]]
        (T and Z in either case, offsets up to 14 hours): with an offset it is converted to UTC,
        without one it is taken as UTC; anything else (or an impossible date or time) gives null,
        which staging reports as invalid_occurred_at (the row goes to quarantine, not into the
        graph).
    sql         the column's SQL
    data_type   its type as idr_relation_columns reports it; none while parsing (then a plain cast)
    is_cleaned  true when `sql` is text already through idr_clean_text (not cleaned again)
-#}
{% macro idr_utc_timestamp(sql, data_type, is_cleaned=false) %}
    {%- set kind = identity_resolution._idr_time_kind(data_type) -%}
    {%- if kind == 'unsupported' -%}
        {{ exceptions.raise_compiler_error(
            "identity_resolution: time column " ~ sql ~ " has type " ~ data_type
            ~ "; expected a timestamp, a date or a string") }}
    {%- endif -%}
    {%- set text = (sql if is_cleaned else identity_resolution.idr_clean_text(sql)) if kind == 'text' else none -%}
    {{- return(adapter.dispatch('idr_utc_timestamp', 'identity_resolution')(sql, kind, data_type, text)) -}}
{% endmacro %}

{#- Regular expressions (Python syntax, shared by every engine) of the accepted string forms. -#}
{% macro _idr_time_patterns() %}
    {%- set date = '[0-9]{4}-[0-9]{2}-[0-9]{2}' -%}
    {%- set time = '[ Tt][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?' -%}
    {#- offsets of real zones: -12:00 to +14:00 (hours 00-14, minutes 00-59); PostgreSQL would fail
        the whole statement on a larger one -#}
    {%- set offset = ' ?([Zz]|[+-](0[0-9]|1[0-4])(:?[0-5][0-9])?)' -%}
    {{ return({'naive': date ~ '(' ~ time ~ ')?', 'offset': date ~ time ~ offset, 'offset_suffix': offset ~ '$'}) }}
{% endmacro %}

{% macro _idr_time_kind(data_type) %}
    {%- set t = (data_type or '') | lower -%}
    {%- if data_type is none -%}
        {{ return('unknown') }}
    {%- elif 'with time zone' in t or t in ('timestamptz', 'timestamp_ltz', 'timestamp_tz') -%}
        {{ return('tz') }}
    {%- elif t.startswith('timestamp') or t == 'datetime' -%}
        {{ return('naive') }}
    {%- elif t == 'date' -%}
        {{ return('date') }}
    {%- elif 'char' in t or 'text' in t or 'string' in t -%}
        {{ return('text') }}
    {%- else -%}
        {{ return('unsupported') }}
    {%- endif -%}
{% endmacro %}

{#- Each implementation gets the column's `kind` (tz, naive, date, text, unknown) and, for text,
    `text`: the column cleaned by idr_clean_text. -#}
{% macro default__idr_utc_timestamp(sql, kind, data_type, text) -%}
    {%- set p = identity_resolution._idr_time_patterns() -%}
    {%- if kind == 'tz' -%}
        cast(convert_timezone('UTC', {{ sql }}) as {{ dbt.type_timestamp() }})
    {%- elif kind == 'text' -%}
        case
            when {{ identity_resolution.idr_regexp_full_match(text, p['naive']) }}
                then try_cast(replace(upper({{ text }}), 'T', ' ') as {{ dbt.type_timestamp() }})
            when {{ identity_resolution.idr_regexp_full_match(text, p['offset']) }}
                then cast(convert_timezone('UTC', try_cast(upper({{ text }}) as timestamp_tz)) as {{ dbt.type_timestamp() }})
        end
    {%- else -%}
        cast({{ sql }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{#- DuckDB: timezone('UTC', tstz) gives the UTC wall clock; a plain cast would use the session's
    TimeZone (the machine's by default). -#}
{% macro duckdb__idr_utc_timestamp(sql, kind, data_type, text) -%}
    {%- set p = identity_resolution._idr_time_patterns() -%}
    {%- if kind == 'tz' -%}
        timezone('UTC', {{ sql }})
    {%- elif kind == 'text' -%}
        case
            when regexp_full_match({{ text }}, '{{ p["naive"] }}')
                then try_cast(upper({{ text }}) as timestamp)
            when regexp_full_match({{ text }}, '{{ p["offset"] }}')
                then timezone('UTC', try_cast(regexp_replace(upper({{ text }}), ' ([Z+-])', '\1') as timestamptz))
        end
    {%- else -%}
        cast({{ sql }} as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- PostgreSQL: `at time zone 'UTC'` gives the UTC wall clock; casting text without an offset to
    timestamp (not timestamptz) ignores the session's TimeZone. A failed cast fails the whole
    statement, so the fields are range-checked first, in nested cases (PostgreSQL does not promise
    to evaluate `and` left to right). -#}
{% macro postgres__idr_utc_timestamp(sql, kind, data_type, text) -%}
    {%- set p = identity_resolution._idr_time_patterns() -%}
    {%- if kind == 'tz' -%}
        ({{ sql }} at time zone 'UTC')
    {%- elif kind == 'text' -%}
        {%- set text = 'upper(' ~ text ~ ')' -%}
        {%- set year = 'substr(' ~ text ~ ', 1, 4)::int' -%}
        {%- set month = 'substr(' ~ text ~ ', 6, 2)::int' -%}
        {%- set day = 'substr(' ~ text ~ ', 9, 2)::int' -%}
        case
            when not ({{ identity_resolution.idr_regexp_full_match(text, p['naive']) }}
                or {{ identity_resolution.idr_regexp_full_match(text, p['offset']) }}) then null
            when {{ year }} < 1 or {{ month }} not between 1 and 12 then null
            when {{ day }} not between 1 and extract(day from make_date({{ year }}, {{ month }}, 1) + interval '1 month - 1 day') then null
            when length({{ text }}) >= 16
                and (substr({{ text }}, 12, 2)::int > 23 or substr({{ text }}, 15, 2)::int > 59
                    or (substr({{ text }}, 17, 1) = ':' and substr({{ text }}, 18, 2)::int > 59)) then null
            when {{ identity_resolution.idr_regexp_full_match(text, p['naive']) }} then cast({{ text }} as timestamp)
            else (cast({{ text }} as timestamptz) at time zone 'UTC')
        end
    {%- else -%}
        cast({{ sql }} as timestamp)
    {%- endif -%}
{%- endmacro %}

{#- Spark: TIMESTAMP is an instant (shown in the session time zone), so a timestamp with or
    without time zone needs no conversion; TIMESTAMP_NTZ, dates and strings without an offset are
    read as UTC by appending one ('Z'), since a plain cast would use the session time zone. -#}
{% macro spark__idr_utc_timestamp(sql, kind, data_type, text) -%}
    {%- set p = identity_resolution._idr_time_patterns() -%}
    {%- if kind == 'tz' or (data_type or '') | lower == 'timestamp' -%}
        cast({{ sql }} as timestamp)
    {%- elif kind == 'text' -%}
        {#- Spark reads a time with an offset or a 'Z' only with its seconds: ':00' is added when
            missing; try_cast: an impossible date is null, also with ANSI mode on -#}
        {%- set full = "regexp_replace(upper(" ~ text ~ "), '^([0-9-]{10}[ T][0-9]{2}:[0-9]{2})( ?[Z+-]|$)', '$1:00$2')" -%}
        case
            when {{ identity_resolution.idr_regexp_full_match(text, p['naive']) }}
                then try_cast(concat(case when length({{ text }}) = 10 then concat({{ text }}, ' 00:00:00') else {{ full }} end, 'Z') as timestamp)
            when {{ identity_resolution.idr_regexp_full_match(text, p['offset']) }}
                then try_cast(regexp_replace({{ full }}, ' ([Z+-])', '$1') as timestamp)
        end
    {%- elif kind in ('naive', 'date') -%}
        cast(concat(date_format(cast({{ sql }} as timestamp_ntz), 'yyyy-MM-dd HH:mm:ss.SSSSSS'), 'Z') as timestamp)
    {%- else -%}
        cast({{ sql }} as timestamp)
    {%- endif -%}
{%- endmacro %}

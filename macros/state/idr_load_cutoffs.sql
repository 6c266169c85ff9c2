{#-
    For an incremental run of int_idr__deliveries: per source with a load-time column, the earliest
    load time worth reading again: the newest load time already processed minus idr_lookback_hours
    (rows can land late, and with an older load time than rows already read). Returns
    {source_name: timestamp literal}; sources without a load-time column, or with nothing processed
    yet, are read whole (new rows are then found by their delivery key alone).
-#}
{% macro idr_load_cutoffs(cfg) %}
    {%- set cutoffs = {} -%}
    {%- if not identity_resolution.idr_is_incremental() -%}
        {{ return(cutoffs) }}
    {%- endif -%}
    {%- set with_load_time = cfg['inputs'] | selectattr('loaded_at') | map(attribute='name') | list -%}
    {%- if with_load_time | length == 0 -%}
        {{ return(cutoffs) }}
    {%- endif -%}
    {%- set result = run_query(
        'select source_name, ' ~ identity_resolution.idr_timestamp_text('max(loaded_at)') ~ ' from ' ~ this
        ~ ' where loaded_at is not null group by source_name') -%}
    {%- for row in result.rows if row[0] in with_load_time and row[1] is not none -%}
        {%- set newest = modules.datetime.datetime.strptime(row[1], '%Y-%m-%d %H:%M:%S.%f') -%}
        {%- set cutoff = newest - modules.datetime.timedelta(hours=cfg['settings']['lookback_hours']) -%}
        {%- do cutoffs.update({row[0]: identity_resolution.idr_timestamp_literal(cutoff.strftime('%Y-%m-%d %H:%M:%S.%f'))}) -%}
    {%- endfor -%}
    {{ return(cutoffs) }}
{% endmacro %}

{#- The rows of a record type as they stand now: raw.records_<type> keeps every loaded file's
    rows; per natural key the row from the most recently loaded file wins (docs/records.md). -#}
{% macro records_latest(table, key) -%}
(
    select * exclude (_rank) from (
        select r.*,
               row_number() over (partition by {% for k in key %}r."{{ k }}"{{ ", " if not loop.last }}{% endfor %}
                                  order by r.loaded_at desc, r.file_sha256 desc) as _rank
        from {{ source('records', table) }} r
    ) where _rank = 1
)
{%- endmacro %}

{#- The provenance every stg_records__* model ends with, in this order: the document the row
    comes from, whether it is an example row, the record file and its row. `columns` names the
    ones a record type has (fee parameters have no example flag or row, quoted population no
    källa); the order stays the same. Use it last in the select list, after a comma. -#}
{% macro records_provenance_columns(columns=["source_document", "is_example", "record_file", "source_row"]) -%}
    {%- set expressions = {
        "source_document": '"källa"                                      as source_document',
        "is_example":      'coalesce(cast("exempel" as boolean), false)  as is_example',
        "record_file":     'file_name                                    as record_file',
        "source_row":      'source_row',
    } -%}
    {%- set selected = [] -%}
    {%- for name in ["source_document", "is_example", "record_file", "source_row"] if name in columns -%}
        {%- do selected.append(expressions[name]) -%}
    {%- endfor -%}
    {{ selected | join(",\n        ") }}
{%- endmacro %}

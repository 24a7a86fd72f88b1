{#- SCB's code list for Kon (1 men, 2 women, 1+2 or no split: total), for every SCB table. -#}
{% macro scb_sex(column) %}case {{ column }} when '1' then 'men' when '2' then 'women' else 'total' end{% endmacro %}

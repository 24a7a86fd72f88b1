-- For a fixed total, the invoices must add up to the total exactly (to the krona).
select f.fee_year, p.total_amount_kr, sum(f.fee_kr) as invoiced
from {{ ref('fct_fees') }} f
join {{ ref('stg_records__fee_parameters') }} p using (fee_year)
where p.fee_model = 'fixed_total'
group by all
having sum(f.fee_kr) <> p.total_amount_kr

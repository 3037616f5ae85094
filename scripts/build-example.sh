#!/usr/bin/env bash
# Rebuild ledger.db.example from the seed's published figures
# (../shared/seeds/000_5ea5975d28405a2b.txt, a 2022 reply by Kunming's science and
# technology bureau). Per-project splits, dates and company names are invented; they
# sum exactly to the published totals:
#   双创 guidance fund: 1 sub-fund, 社会资金 1,000万元, 6 projects,
#                       协议投资 9,785万元, 实际出资 8,095万元
#   高新诺泰 health fund: 8 projects, invested 5,982万元, 股权价值 13,624万元
# Usage: scripts/build-example.sh [OUTPUT]   (default: ledger.db.example)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-ledger.db.example}"
cargo build --release --quiet
bin="$PWD/target/release/fundledger"
rm -f "$out"
# Pinned author and timestamp so a rebuild gives the same journal and hashes.
export FUNDLEDGER_USER=example FUNDLEDGER_NOW=2022-06-15T00:00:00Z FUNDLEDGER_TODAY=2022-06-15
f() { "$bin" --db "$out" "$@" >/dev/null; }

f init

# --- 昆明市双创产业发展股权投资基金 (guidance) and its one sub-fund --------------------
f fund add SC --name 昆明市双创产业发展股权投资基金 --kind guidance \
  --manager 昆明双创基金管理有限公司 --inception 2019-06-01 --region 昆明市
f fund add SC-1 --name 昆明双创一号创业投资合伙企业（有限合伙） --kind sub-fund --parent SC \
  --manager 昆明双创基金管理有限公司 --inception 2020-01-10 --region 昆明市
f investor add KMCZ --name 昆明市财政局 --type government
f investor add YNKT --name 云南科创投资有限公司 --type social
f investor add KMCY --name 昆明创业投资有限公司 --type social
f lp commit SC --investor KMCZ --amount 10000万 --date 2019-06-01
f lp pay SC --investor KMCZ --amount 8000万 --date 2019-07-01
# The sub-fund: the guidance fund 4,000万 + social capital 1,000万 (撬动社会资金).
f lp commit SC-1 --investor SC --amount 4000万 --date 2020-01-10
f lp commit SC-1 --investor YNKT --amount 600万 --date 2020-01-10
f lp commit SC-1 --investor KMCY --amount 400万 --date 2020-01-10
f lp pay SC-1 --investor SC --amount 3440万 --date 2020-02-01
f lp pay SC-1 --investor YNKT --amount 516万 --date 2020-02-01
f lp pay SC-1 --investor KMCY --amount 344万 --date 2020-02-01

f company add C01 --name 云南生物疫苗有限公司 --sector 疫苗生产 --region 昆明市 --uscc 91530100MA6AY4CL1R
f company add C02 --name 昆明智泊科技有限公司 --sector 智慧停车 --region 昆明市 --uscc 91530100MA62TH3BJC
f company add C03 --name 云南易充新能源有限公司 --sector 充电桩 --region 昆明市 --uscc 91530100MA61XG612Y
f company add C04 --name 昆明芯源微电子有限公司 --sector 芯片制造 --region 昆明市 --uscc 91530100MA6DD272H2
f company add C05 --name 云南临研医药科技有限公司 --sector 医学临床试验 --region 昆明市 --uscc 91530100MA6D1TJ3YA
f company add C06 --name 昆明晶芯半导体有限公司 --sector 芯片制造 --region 昆明市 --uscc 91530100MA67LLJY1L

# Sub-fund deals: agreed 4,800万, paid 4,300万.
f deal commit SC-1 C01 --amount 1500万 --date 2020-03-01
f deal pay    SC-1 C01 --amount 1000万 --date 2020-03-15
f deal pay    SC-1 C01 --amount 500万 --date 2020-09-15
f deal commit SC-1 C02 --amount 1000万 --date 2020-04-01
f deal pay    SC-1 C02 --amount 800万 --date 2020-04-20
f deal commit SC-1 C03 --amount 1200万 --date 2020-06-01
f deal pay    SC-1 C03 --amount 1000万 --date 2020-06-30
f deal commit SC-1 C04 --amount 1100万 --date 2020-08-01
f deal pay    SC-1 C04 --amount 600万 --date 2020-08-20
f deal pay    SC-1 C04 --amount 400万 --date 2021-03-01
# Direct deals of the guidance fund: agreed 4,985万, paid 3,795万.
f deal commit SC C05 --amount 2485万 --date 2020-10-01
f deal pay    SC C05 --amount 1200万 --date 2020-10-20
f deal pay    SC C05 --amount 800万 --date 2021-06-01
f deal commit SC C06 --amount 2500万 --date 2021-01-15
f deal pay    SC C06 --amount 1000万 --date 2021-02-01
f deal pay    SC C06 --amount 795万 --date 2021-09-01
# Year-end marks on four holdings; C02 and C06 are still carried at cost.
f deal value SC-1 C01 --amount 2100万 --date 2021-12-31 --method last-round
f deal value SC-1 C03 --amount 1100万 --date 2021-12-31 --method appraisal
f deal value SC-1 C04 --amount 1000万 --date 2021-12-31 --method cost
f deal value SC C05 --amount 2600万 --date 2021-12-31 --method appraisal

# Company outcomes for the 2021 evaluation (issue 15; invented, like the splits above):
# stages, headcounts, tax, revenue, follow-on rounds (one led), a relocation, and two
# manual scores for `fund scorecard SC --year 2021` (docs/templates/quanzhou-2025.toml).
f company fact C01 --date 2020-03-01 --stage early
f company fact C02 --date 2020-04-01 --stage early
f company fact C03 --date 2020-06-01 --stage growth
f company fact C04 --date 2020-08-01 --stage growth
f company fact C05 --date 2020-10-01 --stage seed
f company fact C06 --date 2021-01-15 --stage early
f company fact C05 --date 2021-12-31 --stage early --memo "Phase II trials started"
for spec in "C01 86 320万 5600万" "C02 45 85万 1800万" "C03 38 60万 1500万" \
            "C04 120 150万 4200万" "C05 52 40万 900万" "C06 64 25万 700万"; do
  read -r code jobs tax revenue <<<"$spec"
  f company fact "$code" --date 2021-12-31 --jobs "$jobs"
  f company fact "$code" --date 2021-12-31 --tax "$tax"
  f company fact "$code" --date 2021-12-31 --revenue "$revenue"
done
f company fact C01 --date 2021-07-01 --financing 6000万 --round B --lead
f company fact C03 --date 2021-10-15 --financing 2000万 --round A+
f company fact C04 --date 2021-04-01 --relocated --memo "headquarters moved from 上海 to 昆明"
f fund score SC --year 2021 --indicator team --score 7 --note "2021年度考核：团队稳定，核心人员无变动"
f fund score SC --year 2021 --indicator compliance --score 6.5 --note "2021年度审计：一项信息报送延迟"

# --- 昆明高新诺泰大健康产业投资合伙企业(有限合伙) (guidance, high-tech zone) --------------
f fund add NT --name 昆明高新诺泰大健康产业投资合伙企业（有限合伙） --kind guidance \
  --manager 诺泰资本管理有限公司 --inception 2018-03-01 --region 昆明高新区
f investor add GXCZ --name 昆明高新区财政局 --type government
f investor add KYJT --name 昆药集团股份有限公司 --type state-owned
f lp commit NT --investor GXCZ --amount 3000万 --date 2018-03-01
f lp commit NT --investor KYJT --amount 4000万 --date 2018-03-01
f lp pay NT --investor GXCZ --amount 3000万 --date 2018-04-01
f lp pay NT --investor KYJT --amount 3500万 --date 2018-04-01

# Eight health-industry holdings: invested 5,982万, valued 13,624万 (2021-12-31).
i=0
for spec in \
  "N01 云南诺康生物制药有限公司 创新药 91530100MA6JJC171F 1200 3100 2018-05-10" \
  "N02 昆明天麻健康科技有限公司 中药现代化 91530100MA6HU49D4M 950 2400 2018-08-01" \
  "N03 云南博瑞医疗器械有限公司 医疗器械 91530100MA6H3J9HT9 800 1900 2018-11-15" \
  "N04 昆明康源基因检测有限公司 基因检测 91530100MA6M53JJL8 700 1500 2019-03-01" \
  "N05 云南普洱三七药业有限公司 中药现代化 91530100MA66B3HN2N 650 1350 2019-06-20" \
  "N06 昆明悦康健康管理有限公司 健康服务 91530100MA6J1K6FM1 600 1100 2019-10-08" \
  "N07 云南瑞和医药物流有限公司 医药流通 91530100MA6HDQAEJU 582 1274 2020-04-16" \
  "N08 昆明森普生物科技有限公司 生物试剂 91530100MA6XEB97RD 500 1000 2020-09-01"; do
  read -r code name sector uscc cost value date <<<"$spec"
  f company add "$code" --name "$name" --sector "$sector" --region 昆明高新区 --uscc "$uscc"
  f deal commit NT "$code" --amount "${cost}万" --date "$date"
  f deal pay NT "$code" --amount "${cost}万" --date "$date"
  f deal value NT "$code" --amount "${value}万" --date 2021-12-31 --method appraisal
  i=$((i + 1))
done

# A keying mistake and its correction, so the example shows a reversal.
id=$("$bin" --db "$out" --format csv deal pay NT N08 --amount 50万 --date 2021-12-31 --memo "duplicate of bank slip" 2>/dev/null | tail -n 1 || true)
if [ -n "$id" ]; then
  echo "unexpected: over-payment accepted" >&2; exit 1
fi
dup=$("$bin" --db "$out" --format csv deal value NT N08 --amount 100万 --date 2021-06-30 --method appraisal | tail -n 1)
f reverse "$dup" --reason "mark keyed against the wrong holding; see N07"

# --- 创业担保贷款 (startup guarantee loans), shaped like the seed's 2021 programme -----
# The seed reports 9,167 loans for 15.87亿元 in 2021 (average 17.31万元) and 17.33万 jobs.
# This is a 12-loan sample of such a book: 207.75万元 lent in 2021 (average 17.31万元),
# mostly to individuals, two small firms and a partnership, at LPR 3.85% + 50…200bp with
# the 2021 subsidy rule (borrower pays up to LPR − 150bp, finance the rest), guaranteed
# by the city's and a district's guarantee funds. Repayments run to 2022-06-15: most on
# time, one late payer, one prepayment, arrears in each bucket (18, 38 and 113 days),
# one default with a guarantee payout (代偿) and a partial recovery, and a repayment
# keyed twice and reversed. Names are invented. scripts/bench-loans.sh builds the
# full-size book.
loan() { # CODE KIND PRINCIPAL RATE MONTHS START METHOD GUARANTOR JOBS [more flags]
  local code=$1 kind=$2 principal=$3 rate=$4 months=$5 start=$6 method=$7 guarantor=$8 jobs=$9
  shift 9
  f loan add "$code" --borrower "$(borrower "$code")" --borrower-kind "$kind" --principal "$principal" \
    --rate "$rate" --term-months "$months" --start "$start" --method "$method" --lpr 3.85% \
    --subsidy lpr-minus:150 --guarantor "$guarantor" --jobs "$jobs" "$@"
}
borrower() {
  case $1 in
    CY2021-001) echo 张明（餐饮个体户）;; CY2021-002) echo 李娟（服装零售）;;
    CY2021-003) echo 王强（汽车维修）;; CY2021-004) echo 赵敏（花卉种植）;;
    CY2021-005) echo 昆明云岭咖啡有限公司;; CY2021-006) echo 刘洋（电商）;;
    CY2021-007) echo 昆明滇味坊餐饮合伙企业（普通合伙）;; CY2021-008) echo 陈静（美发）;;
    CY2021-009) echo 杨帆（装修）;; CY2021-010) echo 黄磊（果蔬配送）;;
    CY2021-011) echo 周婷（培训）;; CY2021-012) echo 昆明禾丰农业科技有限公司;;
  esac
}
# pay CODE LAST [DAYS_LATE]: pay each unpaid installment due on or before LAST, in
# full, DAYS_LATE days after its due date, reading the amounts from `loan schedule`.
pay() {
  local code=$1 last=$2 late=${3:-0} sched n due p i total rest
  sched=$("$bin" --db "$out" --format csv loan schedule "$code" | tail -n +2)
  while IFS=, read -r n due p i total rest; do
    if [[ ! "$due" > "$last" && "$rest" != *,paid ]]; then
      f loan repay "$code" --amount "$total" --date "$(date -d "$due + $late days" +%F)"
    fi
  done <<<"$sched"
}
payoff() { # CODE DATE: what settles the loan with the bank on DATE
  "$bin" --db "$out" --format json loan schedule "$1" --as-of "$2" | sed -n 's/^  "payoff": "\(.*\)",$/\1/p'
}

loan CY2021-001 individual 20万 5.35% 24 2021-01-18 equal-installment KM-CYDB 6
loan CY2021-002 individual 15万 4.85% 24 2021-02-26 equal-principal KM-CYDB 4
loan CY2021-003 individual 30万 5.35% 36 2021-03-31 equal-installment KM-CYDB 12   # month ends
loan CY2021-004 individual 10万 4.35% 12 2021-04-12 bullet WH-CYDB 3
loan CY2021-005 small-firm 40万 4.85% 24 2021-05-20 interest-only KM-CYDB 48
loan CY2021-006 individual 12万 5.35% 24 2021-06-08 equal-installment WH-CYDB 5
loan CY2021-007 partnership 25万 4.85% 24 2021-07-15 equal-installment KM-CYDB 21 --partners 2
loan CY2021-008 individual 8万 5.35% 24 2021-08-28 equal-installment WH-CYDB 2
loan CY2021-009 individual 20万 5.85% 24 2021-09-10 equal-installment KM-CYDB 8
loan CY2021-010 individual 5万 4.35% 12 2021-10-22 equal-installment WH-CYDB 2
loan CY2021-011 individual 12.75万 4.85% 24 2021-11-05 equal-principal KM-CYDB 4
loan CY2021-012 small-firm 10万 4.35% 12 2021-12-20 equal-installment WH-CYDB 36

for code in CY2021-001 CY2021-002 CY2021-003 CY2021-004 CY2021-005 CY2021-007 CY2021-012; do
  pay "$code" 2022-06-15
done
pay CY2021-006 2022-04-08 6          # pays about a week late, nothing since May: 38 days
pay CY2021-008 2022-04-28            # missed 2022-05-28: 18 days
pay CY2021-010 2022-01-22            # nothing since February: 113 days
# CY2021-011 prepays 5万 on the day of its fourth installment; the rest is re-amortised.
pay CY2021-011 2022-03-05
f loan repay CY2021-011 --amount 5万 --date 2022-03-05 --memo "提前还款"
pay CY2021-011 2022-06-15
# CY2021-009 stops paying after three installments; declared in default, the guarantee
# fund pays the bank everything owed, then recovers 3万 from the borrower.
pay CY2021-009 2021-12-10
f loan default CY2021-009 --date 2022-04-11 --memo "逾期90天"
f loan compensate CY2021-009 --amount "$(payoff CY2021-009 2022-05-10)" --date 2022-05-10
f loan recover CY2021-009 --amount 3万 --date 2022-06-01
# A repayment keyed twice: the second copy would prepay; it is reversed.
amount=$("$bin" --db "$out" --format csv loan schedule CY2021-001 | awk -F, '$2 == "2022-05-18" { print $5 }')
twice=$("$bin" --db "$out" --format csv loan repay CY2021-001 --amount "$amount" --date 2022-05-18 | tail -n 1 | cut -d, -f1)
f reverse "$twice" --reason "same bank slip keyed twice (see the 2022-05-18 repayment)"

# 春城大学生创业行动: non-repayable grants of 3–6万元 to graduate founders.
f grant add CC2021-01 --recipient 孙悦（云南大学2020届） --amount 3万 --date 2021-09-15 --programme 春城大学生创业行动
f grant add CC2021-02 --recipient 吴昊（昆明理工大学2021届） --amount 6万 --date 2021-11-20 --programme 春城大学生创业行动

echo "wrote $out"

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

echo "wrote $out"

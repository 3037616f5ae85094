//! The one label table: every header, title and fixed phrase a report shows, in
//! English (the key) and Chinese.
//!
//! Why keyed by the English text: builders read naturally (`o.label("Paid-in")`) and a
//! label missing from the table still shows, in English, rather than a blank. A test
//! builds every report of the example ledger in Chinese and fails on any header left
//! untranslated, so the table cannot fall behind silently.

use std::str::FromStr;

use serde::Serialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh_cn" | "cn" | "chinese" | "中文" => Ok(Lang::Zh),
            _ => Err(format!("unknown language '{s}' (use en or zh)")),
        }
    }
}

/// `key` in `lang`: the Chinese label when the table has one, else the key itself.
pub fn label(lang: Lang, key: &str) -> &str {
    let all = LABELS.iter().chain(super::eval_labels::EVAL_LABELS);
    match (lang, all.clone().find(|(en, _)| *en == key)) {
        (Lang::Zh, Some((_, zh))) => zh,
        _ => key,
    }
}

/// Whether the table has a Chinese label for `key` (tests use it).
pub fn has_zh(key: &str) -> bool {
    LABELS
        .iter()
        .chain(super::eval_labels::EVAL_LABELS)
        .any(|(en, _)| *en == key)
}

/// (English, 中文). Terms follow the seed document and DOMAIN.md.
pub const LABELS: &[(&str, &str)] = &[
    // Document chrome
    ("As of", "截至"),
    ("Fund", "基金"),
    ("Unit", "单位"),
    ("Page", "第"),
    ("of", "页，共"),
    ("Prepared by", "编制"),
    ("Reviewed by", "复核"),
    ("Approved by", "负责人"),
    ("Date", "日期"),
    ("Produced", "生成时间"),
    ("Produced by", "生成人"),
    ("Ledger", "账本"),
    ("Audit chain head", "审计链头"),
    ("Scope", "范围"),
    ("All funds", "全部基金"),
    ("Contents", "目录"),
    ("Notes", "注"),
    ("Report pack", "报告汇编"),
    ("Programme totals", "按基金体系合计"),
    ("Period", "期间"),
    ("Look-through", "穿透"),
    ("Group by", "分组"),
    // Portfolio
    ("Portfolio", "投资组合汇总"),
    ("Portfolio summary", "投资组合汇总"),
    ("Code", "代码"),
    ("Name", "名称"),
    ("Kind", "类型"),
    ("Parent", "上级基金"),
    ("LP committed", "出资人认缴"),
    ("LP paid-in", "出资人实缴"),
    ("Projects", "项目数"),
    ("Deal committed", "协议投资"),
    ("Deal paid-in", "实际出资"),
    ("Deal unfunded", "未出资"),
    ("Paid-in ratio", "到位率"),
    ("Value", "股权价值"),
    ("Proceeds", "回收"),
    ("Total", "合计"),
    ("(consolidated)", "（合并）"),
    ("Committed vs paid-in per fund", "各基金认缴与实缴"),
    ("Value composition", "价值构成"),
    ("Cumulative paid-in", "累计实缴"),
    ("Paid-in", "实缴"),
    ("Committed", "认缴"),
    ("Unfunded", "未出资"),
    ("Unrealised value", "未实现价值"),
    // Fund kinds
    ("guidance", "引导基金"),
    ("sub-fund", "子基金"),
    ("vehicle", "投资主体"),
    // Returns
    ("Returns", "收益"),
    ("Returns per fund", "各基金收益"),
    ("Gross returns", "项目层面收益"),
    ("Net returns", "出资人层面收益"),
    ("Holding", "持有项目"),
    ("Company", "企业"),
    ("Investor", "出资人"),
    ("MOIC", "投资倍数(MOIC)"),
    ("IRR", "内部收益率(IRR)"),
    ("Gross IRR", "项目内部收益率"),
    ("Net IRR", "净内部收益率"),
    ("PIC", "实缴比例(PIC)"),
    ("DPI", "DPI"),
    ("RVPI", "RVPI"),
    ("TVPI", "TVPI"),
    ("Distributed", "已分配"),
    ("NAV", "净资产值"),
    ("Contributed", "实缴出资"),
    ("PME", "PME"),
    ("Direct alpha", "直接阿尔法"),
    ("IRR and TVPI per fund", "各基金IRR与TVPI"),
    ("First flow", "首笔现金流"),
    ("Last flow", "末笔现金流"),
    ("Flows", "现金流笔数"),
    ("Written off", "已核销"),
    ("Unmarked", "未估值"),
    ("Status", "状态"),
    // Leverage
    ("Leverage", "放大倍数"),
    ("Leverage and policy compliance", "放大倍数与政策合规"),
    ("Capital by source", "资金来源"),
    ("Sub-funds", "子基金数"),
    ("Gov committed", "政府认缴"),
    ("Gov paid-in", "政府实缴"),
    ("SOE committed", "国企认缴"),
    ("SOE paid-in", "国企实缴"),
    ("Social committed", "社会资本认缴"),
    ("Social paid-in", "社会资本实缴"),
    ("Size committed", "基金规模(认缴)"),
    ("Size paid-in", "基金规模(实缴)"),
    ("Measure", "指标"),
    ("Leverage (committed)", "放大倍数(认缴)"),
    ("Leverage (paid-in)", "放大倍数(实缴)"),
    ("Gov share", "政府出资占比"),
    ("Gov share cap", "政府出资上限"),
    ("Within cap", "是否合规"),
    ("Local invested", "本地投资"),
    ("返投", "返投"),
    ("返投 ratio", "返投比例"),
    ("返投 minimum", "返投要求"),
    ("返投 met", "返投达标"),
    ("Social capital", "撬动社会资本"),
    ("Gov", "政府"),
    ("Social", "社会资本"),
    ("SOE", "国企"),
    ("Stake", "持股比例"),
    ("Share", "份额"),
    ("Direct", "直接"),
    ("Via", "通过"),
    ("Holdings", "持有项目"),
    ("Stakes", "穿透持股"),
    ("yes", "是"),
    ("no", "否"),
    // Loans
    ("Loan book", "创业担保贷款"),
    ("Loans", "贷款"),
    ("Loan", "贷款"),
    ("Borrower", "借款人"),
    ("Guarantor", "担保机构"),
    ("Lender", "贷款银行"),
    ("Disbursed", "发放金额"),
    ("Outstanding", "贷款余额"),
    ("Repaid", "已还本金"),
    ("Interest", "利息"),
    ("Subsidy", "贴息"),
    ("Arrears", "逾期金额"),
    ("Days overdue", "逾期天数"),
    ("PAR30", "PAR30"),
    ("PAR90", "PAR90"),
    ("Jobs", "带动就业"),
    ("Grants", "无偿资助"),
    ("Grant", "资助"),
    ("Loans in arrears by days overdue", "逾期贷款账龄"),
    ("Schedule", "还款计划"),
    ("Installment", "期次"),
    ("Due", "应还日"),
    ("Principal", "本金"),
    ("Paid", "已还"),
    ("Rate", "利率"),
    ("Term", "期限"),
    ("Method", "还款方式"),
    ("Count", "笔数"),
    ("Group", "分组"),
    ("Current", "正常"),
    ("Closed", "结清"),
    // Journal and lists
    ("Log", "流水"),
    ("Journal", "流水"),
    ("Id", "编号"),
    ("Effective", "发生日期"),
    ("Entry kind", "类别"),
    ("Counterparty", "对手方"),
    ("Amount", "金额"),
    ("Memo", "备注"),
    ("By", "录入人"),
    ("Recorded", "录入时间"),
    ("Reverses", "冲销"),
    ("Reversed by", "被冲销"),
    ("Funds", "基金"),
    ("Investors", "出资人"),
    ("Companies", "企业"),
    ("Type", "类型"),
    ("Region", "地区"),
    ("Sector", "行业"),
    ("USCC", "统一社会信用代码"),
    ("Inception", "成立日期"),
    // Audit
    ("Audit", "审计"),
    ("Findings", "审计发现"),
    ("Reconciliation", "对账"),
    ("Finding", "发现"),
    ("Entry", "分录"),
    ("Detail", "说明"),
    ("Expected", "应为"),
    ("Found", "实为"),
    ("Difference", "差额"),
    ("Policy", "政策条款"),
    ("Policy terms", "政策条款"),
    ("From", "起始日期"),
    ("Source", "依据"),
    // Long forms (flat tables for spreadsheets)
    ("Gross", "项目层面"),
    ("Net", "出资人层面"),
    ("Balance", "剩余本金"),
    ("Breach", "是否超限"),
    ("Days past due", "逾期天数"),
    ("Direct alpha status", "直接阿尔法状态"),
    ("KS-PME", "KS-PME"),
    ("Gov share max", "政府出资上限"),
    ("IRR status", "IRR状态"),
    ("IRR roots", "IRR多解"),
    ("IRR cumulative", "累计收益率"),
    ("IRR %", "IRR(%)"),
    ("Unrealised", "未实现收益"),
    ("Guidance fund", "引导基金"),
    ("Leverage committed", "放大倍数(认缴)"),
    ("Leverage committed numerator", "放大倍数(认缴)分子"),
    ("Leverage committed denominator", "放大倍数(认缴)分母"),
    ("Leverage paid-in", "放大倍数(实缴)"),
    ("Leverage paid-in numerator", "放大倍数(实缴)分子"),
    ("Leverage paid-in denominator", "放大倍数(实缴)分母"),
    ("Social multiple", "社会资本倍数"),
    ("Social multiple numerator", "社会资本倍数分子"),
    ("Social multiple denominator", "社会资本倍数分母"),
    ("Numerator", "分子"),
    ("Denominator", "分母"),
    ("Limit", "限额"),
    ("Shortfall / excess", "缺口/超出"),
    ("Note", "说明"),
    ("Manager", "管理人"),
    ("Message", "说明"),
    ("Record", "记录"),
    ("Recipient", "受助人"),
    ("Programme", "项目"),
    ("Months", "期限(月)"),
    ("Start", "起始日"),
    ("Prepaid", "提前还款"),
    ("Paid principal", "已还本金"),
    ("Paid interest", "已还利息"),
    ("Reinvest base", "返投基数"),
    ("Reinvest base kind", "返投基数口径"),
    ("Reinvest local", "返投金额"),
    ("Reinvest min", "返投要求"),
    ("Reinvest minimum", "返投要求"),
    ("Reinvest ratio", "返投比例"),
    ("Reinvest required", "返投应达"),
    ("Reinvest shortfall", "返投缺口"),
    ("Sub-fund", "子基金"),
    ("All LPs' paid-in", "全体出资人实缴"),
    ("Statement", "对账单"),
    ("Roots", "多解"),
    ("Cumulative", "累计"),
    ("First date", "首笔日期"),
    ("Last date", "末笔日期"),
    ("XIRR", "XIRR"),
    ("N", "期次"),
    // Web view forms
    ("Record an entry", "登记"),
    ("LP commit", "出资人认缴"),
    ("LP pay", "出资人实缴"),
    ("LP distribute", "向出资人分配"),
    ("Deal commit", "项目协议投资"),
    ("Deal pay", "项目实际出资"),
    ("Deal value", "项目估值"),
    ("Deal proceeds", "项目回收"),
    ("Deal write-off", "项目核销"),
    ("Reverse an entry", "冲销分录"),
    ("Reason", "原因"),
    ("Submit", "提交"),
    ("Repayment", "还款"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_and_fallback() {
        assert_eq!(label(Lang::Zh, "Deal paid-in"), "实际出资");
        assert_eq!(label(Lang::En, "Deal paid-in"), "Deal paid-in");
        assert_eq!(label(Lang::Zh, "no such label"), "no such label");
        assert_eq!("ZH".parse::<Lang>(), Ok(Lang::Zh));
        assert!("fr".parse::<Lang>().is_err());
    }

    #[test]
    fn keys_are_unique() {
        let mut keys: Vec<&str> = LABELS
            .iter()
            .chain(super::super::eval_labels::EVAL_LABELS)
            .map(|(en, _)| *en)
            .collect();
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        assert_eq!(keys.len(), n, "a label key appears twice");
    }
}

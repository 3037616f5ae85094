//! Charts as SVG: bar, stacked bar and line charts from a [`Chart`] of the report
//! model, for the HTML file (inline) and the PDF (typst draws the same SVG).
//!
//! Why by hand: the charts are simple, a plotting crate would bring fonts, raster
//! back ends and floats; here the geometry is exact decimal arithmetic on the values
//! (money first converted to the document's unit with `Money::in_unit`), rounded only
//! in [`px`] to hundredths of a pixel. Every label is XML-escaped ([`esc`]), so a fund
//! named `<script>` is text. The picture has a `viewBox` and no fixed size, so it
//! scales to the page.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::model::{Chart, ChartKind, Kind};
use crate::money::{group_thousands, Money, Unit, DISPLAY_ROUNDING};

/// Escape text for XML and HTML (element content and attribute values).
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            // Control characters are not allowed in XML 1.0; show nothing for them.
            c if c.is_control() && c != '\n' && c != '\t' => {}
            c => o.push(c),
        }
    }
    o
}

/// Series colours (colour-blind safe, print well in grey).
const COLOURS: [&str; 6] = [
    "#4472c4", "#ed7d31", "#70ad47", "#7f6000", "#5b9bd5", "#a5a5a5",
];

const W: i64 = 720;
const H: i64 = 320;
const LEFT: i64 = 84;
const RIGHT: i64 = 16;
const TOP: i64 = 40;
const BOTTOM: i64 = 64;
/// At most this many category labels are written under the axis; more are thinned.
const MAX_LABELS: usize = 24;

/// A coordinate: the one rounding in chart geometry, to 0.01 px ([`DISPLAY_ROUNDING`]).
/// Geometry, not money: a bar's height never feeds back into a figure.
fn px(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, DISPLAY_ROUNDING).normalize()
}

/// A value as drawn: money in the document's unit, other measures as they are.
fn scaled(v: Decimal, measure: Kind, unit: Unit) -> Decimal {
    match measure {
        // Chart money is exact yuan taken from `Money`, so `round_fen` changes nothing.
        Kind::Money => Money::round_fen(v).in_unit(unit),
        _ => v,
    }
}

/// A value as its label reads: `8,095.00`, `12.34%`, `1.1450`.
fn label(v: Decimal, measure: Kind, dp: u32) -> String {
    match measure {
        Kind::Percent => {
            let p = (v * Decimal::ONE_HUNDRED).round_dp_with_strategy(dp.min(2), DISPLAY_ROUNDING);
            format!("{p}%")
        }
        Kind::Money => group_thousands(&v.round_dp_with_strategy(dp, DISPLAY_ROUNDING).to_string()),
        _ => v
            .round_dp_with_strategy(dp, DISPLAY_ROUNDING)
            .normalize()
            .to_string(),
    }
}

/// A round step for about five ticks over `span` (1, 2 or 5 × a power of ten).
fn step(span: Decimal) -> Decimal {
    if span <= Decimal::ZERO {
        return Decimal::ONE;
    }
    let rough = span / Decimal::from(5);
    let mut p = Decimal::new(1, 10); // 1e-10
    while p * Decimal::TEN <= rough {
        p *= Decimal::TEN;
    }
    for m in [1, 2, 5, 10] {
        let s = p * Decimal::from(m);
        if s >= rough {
            return s;
        }
    }
    p * Decimal::TEN
}

/// The SVG file of `c` (with its XML namespace); money values drawn in `unit`.
pub fn chart(c: &Chart, unit: Unit) -> String {
    draw(c, unit, " xmlns=\"http://www.w3.org/2000/svg\"")
}

/// The same picture for inline use in HTML, where the namespace is implied (so the
/// HTML file has no `http` in it at all).
pub fn inline(c: &Chart, unit: Unit) -> String {
    draw(c, unit, "")
}

fn draw(c: &Chart, unit: Unit, xmlns: &str) -> String {
    let values: Vec<Vec<Option<Decimal>>> = c
        .series
        .iter()
        .map(|s| {
            s.values
                .iter()
                .map(|v| v.map(|v| scaled(v, c.measure, unit)))
                .collect()
        })
        .collect();
    let n = c.categories.len();
    // The value range the axis must cover (always including zero).
    let (mut lo, mut hi) = (Decimal::ZERO, Decimal::ZERO);
    if c.kind == ChartKind::StackedBar {
        for i in 0..n {
            let (mut pos, mut neg) = (Decimal::ZERO, Decimal::ZERO);
            for s in &values {
                match s.get(i).copied().flatten() {
                    Some(v) if v >= Decimal::ZERO => pos += v,
                    Some(v) => neg += v,
                    None => {}
                }
            }
            hi = hi.max(pos);
            lo = lo.min(neg);
        }
    } else {
        for v in values.iter().flatten().flatten() {
            hi = hi.max(*v);
            lo = lo.min(*v);
        }
    }
    let st = step(hi - lo);
    let hi = if hi.is_zero() && lo.is_zero() {
        st
    } else {
        (hi / st).ceil() * st
    };
    let lo = (lo / st).floor() * st;
    let plot_w = Decimal::from(W - LEFT - RIGHT);
    let plot_h = Decimal::from(H - TOP - BOTTOM);
    let y = |v: Decimal| px(Decimal::from(TOP) + (hi - v) / (hi - lo) * plot_h);
    // Decimals of the values written on bars: as the tables show them.
    let dp = match c.measure {
        Kind::Money | Kind::Percent => 2,
        _ => 4,
    };

    let mut o = String::new();
    o.push_str(&format!(
        "<svg{xmlns} viewBox=\"0 0 {W} {H}\" role=\"img\" \
         font-family=\"sans-serif\" font-size=\"11\"><title>{}</title>",
        esc(&c.title)
    ));
    o.push_str(&format!(
        "<text x=\"{LEFT}\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{}</text>",
        esc(&c.title)
    ));
    // Legend, under the title.
    let mut lx = LEFT;
    for (i, s) in c.series.iter().enumerate() {
        let col = COLOURS[i % COLOURS.len()];
        o.push_str(&format!(
            "<rect x=\"{lx}\" y=\"24\" width=\"10\" height=\"10\" fill=\"{col}\"/>\
             <text x=\"{}\" y=\"33\">{}</text>",
            lx + 14,
            esc(&s.name)
        ));
        lx += 24 + 7 * i64::try_from(s.name.chars().count()).unwrap_or(0).min(40);
    }
    // Grid and ticks.
    let mut t = lo;
    while t <= hi {
        let ty = y(t);
        o.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{ty}\" y2=\"{ty}\" stroke=\"#ddd\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            W - RIGHT,
            LEFT - 6,
            ty + Decimal::from(4),
            esc(&label(
                t,
                c.measure,
                match c.measure {
                    Kind::Money => 0,
                    Kind::Percent => 1,
                    _ => 2,
                }
            ))
        ));
        t += st;
    }
    let zero = y(Decimal::ZERO);
    o.push_str(&format!(
        "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{zero}\" y2=\"{zero}\" stroke=\"#333\"/>",
        W - RIGHT
    ));
    if n == 0 {
        o.push_str("</svg>");
        return o;
    }
    let band = plot_w / Decimal::from(n);
    // Labels are thinned so they never overlap: about 7 px per character.
    let widest = c
        .categories
        .iter()
        .map(|s| s.chars().count().min(14))
        .max()
        .unwrap_or(1);
    let need = Decimal::from(7 * widest + 6);
    let by_width = (need / band).ceil().to_usize().unwrap_or(1);
    let every = n.div_ceil(MAX_LABELS).max(by_width).max(1);
    for (i, cat) in c.categories.iter().enumerate() {
        if i % every != 0 {
            continue;
        }
        let cx = px(Decimal::from(LEFT) + band * (Decimal::from(i) + Decimal::new(5, 1)));
        o.push_str(&format!(
            "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            H - BOTTOM + 16,
            esc(&short(cat, 14))
        ));
    }
    let k = Decimal::from(values.len().max(1));
    match c.kind {
        ChartKind::Bar => {
            let bw = band * Decimal::new(8, 1) / k;
            for (si, s) in values.iter().enumerate() {
                let col = COLOURS[si % COLOURS.len()];
                for (i, v) in s.iter().enumerate() {
                    let Some(v) = *v else { continue };
                    let x = px(Decimal::from(LEFT)
                        + band * (Decimal::from(i) + Decimal::new(1, 1))
                        + bw * Decimal::from(si));
                    let (top, bottom) = (y(v.max(Decimal::ZERO)), y(v.min(Decimal::ZERO)));
                    o.push_str(&format!(
                        "<rect x=\"{x}\" y=\"{top}\" width=\"{}\" height=\"{}\" fill=\"{col}\">\
                         <title>{}: {}</title></rect>",
                        px(bw),
                        px(bottom - top),
                        esc(&c.series[si].name),
                        esc(&label(v, c.measure, dp))
                    ));
                    if n * values.len() <= 16 {
                        o.push_str(&format!(
                            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\">{}</text>",
                            px(x + bw / Decimal::TWO),
                            top - Decimal::from(3),
                            esc(&label(v, c.measure, dp))
                        ));
                    }
                }
            }
        }
        ChartKind::StackedBar => {
            let bw = band * Decimal::new(6, 1);
            for i in 0..n {
                let x = px(Decimal::from(LEFT) + band * (Decimal::from(i) + Decimal::new(2, 1)));
                let (mut pos, mut neg) = (Decimal::ZERO, Decimal::ZERO);
                for (si, s) in values.iter().enumerate() {
                    let Some(v) = s.get(i).copied().flatten() else {
                        continue;
                    };
                    let (a, b) = if v >= Decimal::ZERO {
                        pos += v;
                        (pos, pos - v)
                    } else {
                        neg += v;
                        (neg - v, neg)
                    };
                    let col = COLOURS[si % COLOURS.len()];
                    o.push_str(&format!(
                        "<rect x=\"{x}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{col}\">\
                         <title>{}: {}</title></rect>",
                        y(a),
                        px(bw),
                        px(y(b) - y(a)),
                        esc(&c.series[si].name),
                        esc(&label(v, c.measure, dp))
                    ));
                }
                if n <= 16 {
                    o.push_str(&format!(
                        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\">{}</text>",
                        px(x + bw / Decimal::TWO),
                        y(pos) - Decimal::from(3),
                        esc(&label(pos, c.measure, dp))
                    ));
                }
            }
        }
        ChartKind::Line => {
            for (si, s) in values.iter().enumerate() {
                let col = COLOURS[si % COLOURS.len()];
                // A gap (None) ends one polyline and starts the next.
                let mut runs: Vec<Vec<String>> = vec![Vec::new()];
                for (i, v) in s.iter().enumerate() {
                    match v {
                        Some(v) => {
                            let x = px(Decimal::from(LEFT)
                                + band * (Decimal::from(i) + Decimal::new(5, 1)));
                            runs.last_mut()
                                .expect("one run")
                                .push(format!("{x},{}", y(*v)));
                        }
                        None => runs.push(Vec::new()),
                    }
                }
                for r in runs.iter().filter(|r| !r.is_empty()) {
                    o.push_str(&format!(
                        "<polyline points=\"{}\" fill=\"none\" stroke=\"{col}\" stroke-width=\"2\"/>",
                        r.join(" ")
                    ));
                }
            }
        }
    }
    o.push_str("</svg>");
    o
}

/// A category label cut to `max` characters with an ellipsis.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max - 1).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::model::Series;

    fn bar(values: Vec<Option<Decimal>>) -> Chart {
        Chart {
            id: "c".into(),
            title: "<script>alert(1)</script>".into(),
            kind: ChartKind::Bar,
            measure: Kind::Money,
            categories: vec!["=1+1".into(), "B&C".into()],
            series: vec![Series {
                name: "Paid-in".into(),
                values,
            }],
        }
    }

    #[test]
    fn labels_are_escaped() {
        let s = chart(&bar(vec![Some(Decimal::from(1)), None]), Unit::Yuan);
        assert!(!s.contains("<script>"), "{s}");
        assert!(s.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(s.contains("B&amp;C"));
        assert!(s.contains("viewBox=\"0 0 720 320\""));
    }

    #[test]
    fn bar_heights_are_exact_fractions_of_the_axis() {
        // 8,095万 and 9,785万 yuan in 万元: the axis runs 0..10,000 (step 2,000), so the
        // plot's 216 px give 9,785 → 211.356 px (rounded 211.36) and 8,095 → 174.852 (174.85).
        let mut c = bar(vec![
            Some(Decimal::from(97_850_000)),
            Some(Decimal::from(80_950_000)),
        ]);
        c.categories = vec!["SC".into(), "NT".into()];
        let s = chart(&c, Unit::Wan);
        assert!(s.contains("height=\"211.36\""), "{s}");
        assert!(s.contains("height=\"174.85\""), "{s}");
        assert!(s.contains(">9,785.00<"), "{s}");
        assert!(s.contains(">10,000<"), "{s}");
    }

    #[test]
    fn steps_are_round() {
        assert_eq!(step(Decimal::from(9785)), Decimal::from(2000));
        assert_eq!(step(Decimal::new(115, 2)), Decimal::new(5, 1));
        assert_eq!(step(Decimal::ZERO), Decimal::ONE);
    }
}

//! The questions-per-day chart of `/stats` and `calcibot report`, as a PNG.
//!
//! The font is DejaVu Sans, embedded in the binary (assets/fonts, with its licence), so the chart
//! draws the same on a server with no fonts installed at all.

use std::sync::OnceLock;

use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::stats::Stats;

pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 360;

const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Discord's blurple, so the chart sits well in an embed.
const BAR: RGBColor = RGBColor(88, 101, 242);

#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart: {0}")]
pub struct ChartError(String);

fn font_ready() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok =
        *REGISTERED.get_or_init(|| register_font("sans-serif", FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError("the embedded font did not load".into()))
    }
}

/// Questions per day over the span of `stats`, as a PNG of [`WIDTH`] x [`HEIGHT`] pixels.
pub fn questions_per_day(stats: &Stats) -> Result<Vec<u8>, ChartError> {
    font_ready()?;
    let mut rgb = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(stats, &mut rgb).map_err(|err| ChartError(err.to_string()))?;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|err| ChartError(err.to_string()))?;
    writer
        .write_image_data(&rgb)
        .map_err(|err| ChartError(err.to_string()))?;
    writer.finish().map_err(|err| ChartError(err.to_string()))?;
    Ok(png)
}

fn draw<'a>(stats: &Stats, rgb: &'a mut [u8]) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let root = BitMapBackend::with_buffer(rgb, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let days = stats.per_day.len().max(1);
    // A segmented range of 0..n has n + 1 segments, one per day here.
    let top = stats
        .per_day
        .iter()
        .map(|d| d.questions)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!("Questions per day, {} to {}", stats.from, stats.to),
            ("sans-serif", 20),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d((0..days - 1).into_segmented(), 0..top + top / 10 + 1)?;
    let labels = stats.per_day.clone();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(days.min(8))
        .x_label_formatter(&|segment| match segment {
            // A day's label under the middle of its bar, as MM-DD.
            SegmentValue::CenterOf(i) => labels
                .get(*i)
                .map(|d| d.day.to_string()[5..].to_string())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc("questions")
        .label_style(("sans-serif", 13))
        .draw()?;
    chart.draw_series(stats.per_day.iter().enumerate().map(|(i, d)| {
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(i), 0),
                (SegmentValue::Exact(i + 1), d.questions),
            ],
            BAR.filled(),
        );
        bar.set_margin(0, 0, 1, 1);
        bar
    }))?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::stats::{DayCount, KindCounts};
    use crate::storage::Day;

    fn stats(days: u32, questions: impl Fn(u32) -> u64) -> Stats {
        let to = Day::from_number(20_000);
        Stats {
            from: to.minus(days - 1),
            to,
            servers: 1,
            per_day: (0..days)
                .map(|n| DayCount {
                    day: to.minus(days - 1).plus(n),
                    questions: questions(n),
                })
                .collect(),
            kinds: KindCounts::default(),
            top_entries: Vec::new(),
            feedback: Vec::new(),
        }
    }

    #[test]
    fn draws_any_span_and_any_count() {
        for s in [
            stats(1, |_| 0),
            stats(1, |_| 3),
            stats(366, |n| u64::from(n) * 1_000),
        ] {
            let png = questions_per_day(&s).unwrap();
            assert!(png.starts_with(b"\x89PNG"));
        }
    }
}

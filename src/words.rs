//! The words people read, in the page's two languages, English and Chinese: one table of
//! texts by key ([`TEXTS`]), read by the page (web/i18n.rs keeps the reader's choice and marks
//! index.html's texts) and by the native downloads that must say the same (the MDL plot's
//! legend in an SVG). The idea occam demonstrates is widely taught in Chinese, and a classroom
//! there should not need a translator.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "en" => Some(Lang::En),
            "zh" | "zh-CN" | "zh-Hans" => Some(Lang::Zh),
            _ => None,
        }
    }
}

/// A text the engines write for people (a warning, a note), kept as its key and values until it
/// is shown, so that the page can show it in the reader's language; `Display` gives English.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    key: &'static str,
    values: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str, values: &[(&'static str, String)]) -> Message {
        Message { key, values: values.to_vec() }
    }

    /// `one` when `count` is 1, `many` otherwise, with `count` among the values.
    pub fn counted(one: &'static str, many: &'static str, count: usize, values: &[(&'static str, String)]) -> Message {
        let mut values = values.to_vec();
        values.push(("count", count.to_string()));
        Message { key: if count == 1 { one } else { many }, values }
    }

    pub fn render(&self, lang: Lang) -> String {
        let values: Vec<(&str, &str)> = self.values.iter().map(|(k, v)| (*k, v.as_str())).collect();
        fill(text(lang, self.key).unwrap_or(self.key), &values)
    }
}

impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

/// The text of `key` in `lang`, if the table has it.
pub fn text(lang: Lang, key: &str) -> Option<&'static str> {
    TEXTS.iter().find(|(k, _, _)| *k == key).map(|(_, en, zh)| if lang == Lang::Zh { *zh } else { *en })
}

/// The text of a key the program itself names (a plot's labels): found at compile time when
/// used in a constant, so a key missing from [`TEXTS`] fails the build rather than showing.
pub const fn get(lang: Lang, key: &str) -> &'static str {
    let mut i = 0;
    while i < TEXTS.len() {
        let (k, en, zh) = TEXTS[i];
        if same(k, key) {
            return match lang {
                Lang::En => en,
                Lang::Zh => zh,
            };
        }
        i += 1;
    }
    panic!("a text key missing from words::TEXTS")
}

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// `text` with its `{name}` placeholders filled from `values`, in one pass: a value that itself
/// holds braces (a column called "{count}") is copied as it is, never filled again. A
/// placeholder with no value stays as written.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value =
            after.find('}').and_then(|close| Some((close, values.iter().find(|(k, _)| *k == &after[..close])?.1)));
        match value {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// (key, English, Chinese)
pub const TEXTS: &[(&str, &str, &str)] = &[
    ("language", "Language", "语言"),
    ("tagline", "The shortest program that explains a table, measured in bits. Your data never leaves this machine.", "用比特来衡量：能解释一张数据表的最短程序。你的数据始终留在这台电脑上。"),
    ("example", "Example", "示例"),
    ("own_csv", "Or your own CSV", "或者用你自己的 CSV"),
    ("choose_file", "Choose a file…", "选择文件…"),
    ("drop_hint", "(or drop a file anywhere on the page)", "（也可以把文件拖到页面上的任意位置）"),
    ("explain_column", "Explain column", "要解释的列"),
    ("time_budget", "Time budget (s)", "时间预算（秒）"),
    ("or_generations", "Or generations", "或代数"),
    ("operators", "Operators", "运算符"),
    ("ops_default", "+ − × ÷ pow sqrt exp log sin cos …", "+ − × ÷ 幂 开方 exp log sin cos …"),
    ("ops_arith", "+ − × ÷ only", "只用 + − × ÷"),
    ("ops_powers", "arithmetic and powers", "四则运算与幂"),
    ("ops_all", "all twenty", "全部二十种"),
    ("test_rows", "Test rows (%)", "测试行（%）"),
    ("test_on", "Test on", "测试集"),
    ("task", "Task", "任务"),
    ("task_auto", "guess from the column", "由数据列推断"),
    ("task_regression", "numbers (regression)", "数值（回归）"),
    ("task_classification", "classes (classification)", "类别（分类）"),
    ("random_rows", "random rows", "随机的行"),
    ("seed", "Seed", "随机种子"),
    ("run_search", "Find the law", "寻找定律"),
    ("cancel", "Cancel", "取消"),
    ("run_compress", "Train and compress networks", "训练并压缩神经网络"),
    ("run_select", "Rank the features", "给特征排序"),
    ("hidden_layers", "Hidden layers", "隐藏层"),
    ("bad_hidden", "hidden layers: '{value}' is not a width (a whole number from 1 to 4096, e.g. 64,32)", "隐藏层：“{value}”不是有效的宽度（应为 1 到 4096 的整数，例如 64,32）"),
    ("status_compressing", "training and compressing the networks", "正在训练并压缩神经网络"),
    ("status_selecting", "measuring what each feature is worth in bits", "正在用比特衡量每个特征的价值"),
    ("importance_x", "bits lost when the feature is shuffled", "打乱该特征后多出的比特"),
    ("headline_model", "{target} by {formula}: {model} bits of model + {data} bits of data", "{target} 由 {formula} 解释：模型 {model} 比特 + 数据 {data} 比特"),
    ("family_mlp", "network", "神经网络"),
    ("family_linear", "linear", "线性模型"),
    ("family_logistic", "logistic", "逻辑回归"),
    ("download_report", "Download the report (JSON)", "下载报告（JSON）"),
    ("download_svg", "Download the plot (SVG)", "下载图（SVG）"),
    ("download_png", "Download the plot (PNG)", "下载图（PNG）"),
    ("download_csv", "Download the candidates (CSV)", "下载候选公式（CSV）"),
    ("the_table", "The table", "数据表"),
    ("what_bits", "What are these bits?", "这些“比特”是什么意思？"),
    ("explain_1", "To send a column of numbers to a friend who already has the other columns, you can send the numbers themselves, or a program that computes them plus the small corrections it still needs. occam counts both parts in bits: the model bits spell out the program (each symbol, each constant) and the data bits spell out the corrections. The shortest total is the best explanation: a law that fits exactly costs a few bits, while memorising the data costs as much as the data.", "假设你要把一列数字发给一位朋友，而他已经有了其他各列。你可以直接发送这些数字，也可以发送一个能算出它们的程序，再加上程序还需要的少量修正。occam 用比特来计算这两部分：模型比特写下程序本身（每个符号、每个常数），数据比特写下修正。总长度最短的就是最好的解释：一条完全吻合的定律只需几个比特，而死记硬背数据的代价和数据本身一样长。"),
    ("explain_3", "A neural network is a program too: its weights are its symbols. Rounding them to a few bits, setting the smallest to zero (pruning) or writing a layer as the product of two thin matrices (low rank) makes the program shorter, often at a small cost in data bits. Each compressed network is a triangle on the plot, on the same scale as the formulas.", "神经网络也是一种程序：它的权重就是它的符号。把权重四舍五入到几个比特、把最小的权重置零（剪枝），或者把一层写成两个窄矩阵的乘积（低秩分解），都能让程序变短，而数据比特往往只增加一点。每个压缩后的网络在图上是一个三角形，与公式用同一个尺度衡量。"),
    ("explain_2", "Each dot on the plot is one program. Lines of equal total run from top left to bottom right; the grey ones are what a program must beat: the null model (always the average), the literal numbers, and general-purpose compressors (deflate, as in gzip, and xz).", "图上的每个点都是一个程序。总长度相等的线从左上方延伸到右下方；灰色的线是一个程序必须胜过的基准：零模型（总是预测平均值）、逐字写下的数字，以及通用压缩工具（gzip 所用的 deflate，以及 xz）。"),
    ("plot_x", "model bits (the program)", "模型比特（程序本身）"),
    ("plot_y", "data bits (given the program)", "数据比特（给定程序之后）"),
    ("plot_shortest", "shortest: {bits} bits", "最短：{bits} 比特"),
    ("threads_one", "{n} thread, {mode}", "{n} 个线程，{mode}"),
    ("threads_many", "{n} threads, {mode}", "{n} 个线程，{mode}"),
    ("mode_isolated_sw", "cross-origin isolated by service worker", "由 service worker 实现跨源隔离"),
    ("mode_isolated", "cross-origin isolated", "跨源隔离"),
    ("mode_fallback", "single-thread fallback (the page is not cross-origin isolated)", "单线程后备模式（页面未跨源隔离）"),
    ("caption_one", "{name}: {rows} rows × {columns} columns, read in {load} ms, described in {describe} ms on {n} thread", "{name}：{rows} 行 × {columns} 列，读取 {load} 毫秒，在 {n} 个线程上统计 {describe} 毫秒"),
    ("caption_many", "{name}: {rows} rows × {columns} columns, read in {load} ms, described in {describe} ms on {n} threads", "{name}：{rows} 行 × {columns} 列，读取 {load} 毫秒，在 {n} 个线程上统计 {describe} 毫秒"),
    ("kind_numeric", "numeric", "数值"),
    ("kind_categorical", "categorical", "类别"),
    ("kind_boolean", "boolean", "布尔"),
    ("kind_constant", "constant", "常数"),
    ("note_step", "step {step}", "步长 {step}"),
    ("note_range", "{min} to {max}", "{min} 至 {max}"),
    ("note_levels", "{n} levels", "{n} 个取值"),
    ("note_missing", "{n} missing", "{n} 个缺失"),
    ("family_formula", "formula", "公式"),
    ("more_settings", "More settings", "更多设置"),
    ("lesson", "Lesson", "课例"),
    ("own_file", "Your own table: {name}", "你自己的表：{name}"),
    ("story_own", "Your own table: choose the column to explain under More settings if it is not the last one.", "你自己的表：如果要解释的不是最后一列，请在“更多设置”里选择。"),
    ("empty_file", "{name} is empty: choose a CSV file with a header line and at least one row.", "{name} 是空文件：请选择一个有表头且至少有一行数据的 CSV 文件。"),
    ("bad_setting", "{field}: '{value}' cannot be used; type {hint}.", "{field}：不能使用“{value}”；请输入{hint}。"),
    ("hint_seconds", "a number of seconds above 0, for example 10", "大于 0 的秒数，例如 10"),
    ("hint_generations", "a whole number of generations from 1, or leave it blank to use the time budget", "从 1 开始的整数代数，或者留空以使用时间预算"),
    ("hint_seed", "a whole number from 0, for example 1", "从 0 开始的整数，例如 1"),
    ("hint_test", "a percentage from 0 to 90, or leave it blank for the automatic split", "0 到 90 之间的百分比，或者留空以自动划分"),
    ("copy_link", "Copy link", "复制链接"),
    ("tooltip", "{program}: {model} model bits + {data} data bits + {header} header = {total}", "{program}：模型 {model} 比特 + 数据 {data} 比特 + 文件头 {header} 比特 = {total}"),
    ("fit_predicted", "{name}, predicted", "{name}（预测）"),
    ("fit_measured", "{name}, measured", "{name}（测量）"),
    ("fit_caption_curve", "The measured {y} against {x} (dots), and the formula's curve (the line).", "测量到的 {y} 随 {x} 的变化（点），以及公式的曲线（线）。"),
    ("fit_log_scale", "{name} (log scale)", "{name}（对数刻度）"),
    ("fit_caption_log", "The measured {y} against {x} (dots), and the formula's curve (the line), on log scales: a power law is a straight line, its slope the power.", "测量到的 {y} 随 {x} 的变化（点），以及公式的曲线（线），用对数刻度：幂律是一条直线，斜率就是幂次。"),
    ("fit_caption_points", "The measured {y} against {x}. Find a formula to draw it through them.", "测量到的 {y} 随 {x} 的变化。寻找公式后，公式的曲线会画在这些点上。"),
    ("fit_caption_parity", "Each row's {y} as the formula predicts it, against its measured value: on the diagonal the two agree.", "每一行的 {y}：公式的预测值对测量值；落在对角线上表示两者一致。"),
    ("fit_caption_none", "This model has no formula to draw; choose a formula in the table to see it over the data.", "这个模型没有可画出的公式；在表格中选择一个公式，即可在数据上看到它。"),
    ("legend_formula", "a formula", "一个公式"),
    ("legend_linear", "a linear or logistic model", "线性或逻辑回归模型"),
    ("legend_network", "a network (hollow: uncompressed; filled: its weights rounded)", "神经网络（空心：未压缩；实心：权重经过舍入）"),
    ("legend_pruned", "a network with its smallest weights set to zero", "把最小权重置零的神经网络"),
    ("legend_low_rank", "a network with layers written as two thin matrices", "各层写成两个窄矩阵乘积的神经网络"),
    ("legend_null", "the average alone (no formula)", "只用平均值（没有公式）"),
    ("legend_best", "the shortest total: the answer", "总长度最短：就是答案"),
    ("legend_baselines", "grey lines: what an answer must beat (the average, the numbers written out, zip-style compressors)", "灰线：答案必须胜过的基准（平均值、逐字写下的数字、zip 之类的压缩工具）"),
    ("explains", "It explains {percent} % of what the average leaves ({how}). ", "它解释了平均值无法解释部分的 {percent}%（{how}）。"),
    ("explains_over", "It explains more than {percent} % of what the average leaves ({how}). ", "它解释了平均值无法解释部分的 {percent}% 以上（{how}）。"),
    ("explains_nothing", "It predicts no better than the average ({how}). ", "它的预测并不比平均值好（{how}）。"),
    ("right_share", "It names {percent} % of the rows right ({how}). ", "它对 {percent}% 的行判断正确（{how}）。"),
    ("checked_loo", "each row predicted from the others", "每一行都由其余各行来预测"),
    ("checked_test", "on rows it was not fitted on", "在没有参与拟合的行上检验"),
    ("bits_law", "Law {model} bits + corrections {data} + header {header} = {total} bits", "定律 {model} 比特 + 修正 {data} 比特 + 文件头 {header} 比特 = {total} 比特"),
    ("bits_model", "Model {model} bits + corrections {data} + header {header} = {total} bits", "模型 {model} 比特 + 修正 {data} 比特 + 文件头 {header} 比特 = {total} 比特"),
    ("familiar_same", ", that is", "，即"),
    ("familiar_near", "nearly as short ({bits} bits more):", "几乎一样短（多 {bits} 比特）："),
    ("units_checked", " Only formulas whose units work out were tried ({units}).", "只尝试了单位相符的公式（{units}）。"),
    ("bits_average", "; the average alone: {bits}.", "；单用平均值：{bits} 比特。"),
    ("table_title", "The candidates, shortest program first", "候选程序，最短的在前"),
    ("explain_columns", "Model bits: the length of the program (each symbol, each constant). Data bits: the length of the corrections it still needs. Total: both, and the header that says what the column is (its name, its step, the number of rows), as the .occam file holds it; the shortest total is the answer (★). Leave-one-out: each row predicted by the program fitted to the other rows.", "模型比特：程序的长度（每个符号、每个常数）。数据比特：程序还需要的修正的长度。总比特：两者之和，再加上说明这一列是什么的文件头（列名、步长、行数），与 .occam 文件中的一样；总长度最短的就是答案（★）。留一法：用其余各行拟合的程序来预测每一行。"),
    ("aria_data", "Data", "数据"),
    ("aria_run", "Run", "运行"),
    ("aria_progress", "progress", "进度"),
    ("aria_results", "Results", "结果"),
    ("aria_preview", "Data preview", "数据预览"),
    ("aria_fit_plot", "the data and the law", "数据与定律"),
    ("aria_mdl_plot", "MDL trade-off: model bits against data bits", "MDL 权衡：模型比特对数据比特"),
    ("aria_importance_plot", "Feature importance in bits", "以比特计的特征重要性"),
    ("tip_generations", "A number of generations instead of a time budget gives the same result on every machine", "用代数代替时间预算，在每台机器上都得到相同的结果"),
    ("tip_hidden", "Widths of the network's hidden layers, e.g. 64,32", "网络隐藏层的宽度，例如 64,32"),
    ("tip_test_rows", "Blank: 20 %, but a table of fewer than 50 rows fits on every row and is tested by leave-one-out", "留空：20%；但少于 50 行的表用每一行拟合，并用留一法检验"),
    ("tip_download_code", "The selected (or best) program and the target coded given it: the file's size is its bits", "选中的（或最好的）程序，以及在它之下编码的目标列：文件的大小就是它的比特数"),
    ("sort_by", "sort by this column", "按此列排序"),
    ("copy_as", "copy the formula as {format}", "以 {format} 格式复制公式"),
    ("story_kepler", "Kepler spent ten years looking for the rule that links a planet's distance from the Sun to the length of its year; press the button and see how long it takes here.", "开普勒花了十年寻找行星到太阳的距离与其一年长短之间的规律；按下按钮，看看这里需要多久。"),
    ("story_pendulum", "A class timed ten swings of a pendulum at nine lengths of string: does a longer string swing twice as slowly when it is twice as long?", "一个班在九种绳长下各测了十次摆动的时间：绳长加倍时，摆动会慢一倍吗？"),
    ("story_free_fall", "A ball dropped from eight heights, timed with a light gate: Galileo's question, how the time of a fall grows with its height.", "小球从八个高度落下，用光电门计时：这是伽利略的问题——下落时间如何随高度增长。"),
    ("story_boyle", "Robert Boyle trapped air in a glass tube with mercury and wrote down its volume and pressure in 1662: these are his own numbers.", "1662 年，罗伯特·玻意耳用水银把空气封在玻璃管里，记下了它的体积和压强：这些就是他自己的数据。"),
    ("story_decay", "A Geiger counter counted a short-lived source every two minutes for twenty minutes: how fast does it fade, and will it ever reach zero?", "盖革计数器每两分钟对一个短寿命放射源计数一次，共二十分钟：它衰减得有多快？会降到零吗？"),
    ("story_balmer", "In 1885 Johann Balmer, a school teacher, found the rule behind the four colours of light that hydrogen gives off; here are the measured wavelengths.", "1885 年，中学教师巴耳末找到了氢原子发出的四种颜色的光背后的规律；这里是测得的波长。"),
    ("story_cooling", "A thermometer in a mug of hot water, read every five minutes in a 21 °C room: Newton's law of cooling, or something else?", "在 21 °C 的房间里，每五分钟读一次热水杯中温度计的读数：是牛顿冷却定律，还是别的规律？"),
    ("story_sound_speed", "A class measured the speed of sound in a resonance tube on days from −20 °C to 40 °C: does it grow with the temperature in degrees Celsius, or with something else?", "一个班在 −20 °C 到 40 °C 的日子里用共鸣管测量声速：它随摄氏温度增长，还是随别的什么增长？"),
    ("story_iris", "Edgar Anderson measured 150 iris flowers of three species in 1935; a network learns to tell them apart, and its compressed versions show how few bits that takes.", "1935 年，埃德加·安德森测量了三个品种共 150 朵鸢尾花；神经网络学会区分它们，而压缩后的网络显示这只需要多么少的比特。"),
    ("example_pendulum", "A pendulum: the period of a swing against the string's length (a classroom measurement, simulated)", "单摆：摆动周期与绳长（课堂测量，模拟数据）"),
    ("example_free_fall", "Free fall: the time a ball takes to drop from a height (a classroom measurement, simulated)", "自由落体：小球从某一高度落下所需的时间（课堂测量，模拟数据）"),
    ("example_boyle", "Boyle's 1662 table: the pressure of trapped air against its volume", "玻意耳 1662 年的数据表：封闭空气的压强与体积"),
    ("example_decay", "Radioactive decay: counts from a source every two minutes (a classroom measurement, simulated)", "放射性衰变：每两分钟对放射源的计数（课堂测量，模拟数据）"),
    ("example_balmer", "Hydrogen's Balmer lines: wavelength against the level n", "氢原子的巴耳末谱线：波长与能级 n"),
    ("example_cooling", "A mug of water cooling in a 21 °C room (a classroom measurement, simulated)", "一杯水在 21 °C 房间中冷却（课堂测量，模拟数据）"),
    ("example_sound_speed", "The speed of sound at seven air temperatures in °C (a classroom measurement, simulated)", "七个气温（摄氏度）下的声速（课堂测量，模拟数据）"),
    ("example_kepler", "Kepler's third law: the planets (a in AU, T in years)", "开普勒第三定律：行星（a 以天文单位计，T 以年计）"),
    ("example_iris", "Iris flowers: species from petal and sepal sizes", "鸢尾花：由花瓣和花萼的大小判断品种"),
    ("col_family", "family", "类别"),
    ("col_formula", "formula", "公式"),
    ("col_model", "model bits", "模型比特"),
    ("col_data", "data bits", "数据比特"),
    ("col_total", "total bits", "总比特"),
    ("col_test", "test R² / accuracy", "测试 R² / 准确率"),
    ("col_bits_per_row", "test bits/row", "测试比特/行"),
    ("col_loo", "leave-one-out R² / accuracy", "留一法 R² / 准确率"),
    ("col_loo_bits_per_row", "leave-one-out bits/row", "留一法比特/行"),
    ("col_copy", "copy", "复制"),
    ("front_only", "Only the best at each length (the Pareto front)", "只显示每种长度下最好的（帕累托前沿）"),
    ("headline", "{target} = {formula}: {model} bits of formula + {data} bits of data", "{target} = {formula}：公式 {model} 比特 + 数据 {data} 比特"),
    ("headline_null", "No formula beats the average: with {rows} rows, a law must save more bits than its symbols and constants cost ({bits} bits for the average alone).", "没有公式胜过平均值：只有 {rows} 行数据时，一条定律省下的比特必须多于它的符号和常数所花的比特（单用平均值共 {bits} 比特）"),
    ("shorter_than_deflate", ", {ratio}× shorter than deflate", "，比 deflate 短 {ratio} 倍"),
    ("searching", " (searching…)", "（搜索中…）"),
    ("searching_alone", "searching…", "搜索中…"),
    ("cancelled_best", " (cancelled: the best found so far)", "（已取消：这是目前找到的最好结果）"),
    ("status_ready", "ready", "就绪"),
    ("status_searching", "searching for the shortest formula", "正在寻找最短的公式"),
    ("status_cancelled", "cancelled; the results so far are kept", "已取消；目前的结果已保留"),
    ("status_done", "done in {seconds} s", "完成，用时 {seconds} 秒"),
    ("status_exhaustive", "; every formula of up to {length} symbols was tried", "；已尝试所有不超过 {length} 个符号的公式"),
    ("status_copied", "copied", "已复制"),
    ("about_left", ", about {seconds} s left", "，约剩 {seconds} 秒"),
    ("stage_load", "reading the table", "正在读取数据表"),
    ("stage_describe", "describing the columns {done}/{total}", "正在统计各列 {done}/{total}"),
    ("stage_search", "searching for the shortest formula", "正在搜索最短的公式"),
    ("stage_train", "training: epoch {done} of at most {total}", "训练中：第 {done} 轮（最多 {total} 轮）"),
    ("stage_compress", "compressing: step {done} of {total}", "压缩中：第 {done}/{total} 步"),
    ("stage_select", "measuring the features {done}/{total}", "正在衡量各特征 {done}/{total}"),
    ("status_encoding", "writing the .occam file", "正在写入 .occam 文件"),
    ("status_encoded", "{name}: {bytes} bytes ({bits} bits coded)", "{name}：{bytes} 字节（编码 {bits} 比特）"),
    ("download_code", "Download the program and data (.occam)", "下载程序与数据（.occam）"),
    ("status_loading_example", "loading the example '{id}'", "正在载入示例“{id}”"),
    ("status_reading", "reading {name}", "正在读取 {name}"),
    // Warnings and notes from the engines, and the places they name.
    ("warning", "warning: {text}", "提示：{text}"),
    ("pos_line", "line {line}", "第 {line} 行"),
    ("pos_column", "column '{name}' ({number})", "列“{name}”（第 {number} 列）"),
    ("pos_byte", "byte {byte}", "第 {byte} 字节"),
    ("warn_unclosed_quote", "a quoted field starts here and is never closed; it runs to the end of the file", "这里开始的带引号字段没有闭合，一直延续到文件末尾"),
    ("warn_blank_row", "skipped {count} row with no values", "跳过了 {count} 个没有数值的行"),
    ("warn_blank_rows", "skipped {count} rows with no values", "跳过了 {count} 个没有数值的行"),
    ("warn_padded_row", "ignored empty cells past the last column in {count} row", "忽略了 {count} 行中最后一列之后的空单元格"),
    ("warn_padded_rows", "ignored empty cells past the last column in {count} rows", "忽略了 {count} 行中最后一列之后的空单元格"),
    ("warn_unnamed", "the header has no name here; called it '{name}'", "表头这里没有名字，已称为“{name}”"),
    ("warn_renamed", "the name '{base}' appears twice; renamed this one '{name}'", "名字“{base}”出现了两次，这一个改名为“{name}”"),
    ("warn_more_unnamed", "and {count} more columns with no name, each called column_ and its position", "另有 {count} 列没有名字，各以 column_ 加其位置命名"),
    ("warn_more_renamed", "and {count} more repeated names, each renamed with the next free number", "另有 {count} 个重复的名字，各加上下一个未用的编号"),
    ("warn_more_strays", "and {count} more columns with cells that are not numbers, treated as missing", "另有 {count} 列含有不是数字的单元格，按缺失处理"),
    ("warn_stray", "1 cell that is not a number treated as missing (line {examples})", "1 个不是数字的单元格按缺失处理（行 {examples}）"),
    ("warn_strays", "{count} cells that are not numbers treated as missing (lines {examples})", "{count} 个不是数字的单元格按缺失处理（行 {examples}）"),
    ("note_constant", "left out '{name}': it is constant", "未使用“{name}”：它是常数"),
    ("note_absolute_temperature", "'{name}' is searched as absolute temperature, '{name} + {zero}': laws of temperature are laws of absolute temperature", "“{name}”按绝对温度“{name} + {zero}”搜索：温度的定律是绝对温度的定律"),
    ("note_unknown_unit", "'{name}': {why}, so formulas are not checked against its units (write SI symbols such as m/s^2, kg, min, or 1 for a pure number)", "“{name}”：{why}，所以不按它的单位检查公式（请写 SI 符号，例如 m/s^2、kg、min，纯数写 1）"),
    ("note_ids", "left out '{name}': {distinct} distinct values in {rows} rows look like names or ids", "未使用“{name}”：{rows} 行中有 {distinct} 个不同的值，看起来像名字或编号"),
    ("note_kept_levels", "'{name}': kept the {kept} most frequent of {levels} levels, the rest count as none of them", "“{name}”：保留了 {levels} 个类别中最常见的 {kept} 个，其余的不算其中任何一个"),
    ("warn_top_k", "searched over the {k} of {all} features with the most mutual information with the target: {features}", "只在与目标互信息最大的 {k} 个特征（共 {all} 个）上搜索：{features}"),
    ("warn_no_header", "these programs cannot be written as a .occam file, so their totals leave out its header: {error}", "这些程序无法写成 .occam 文件，所以它们的总长度不含文件头：{error}"),
    ("warn_units_score", "the units of '{formula}' do not work out with the columns' units, so a search would leave it out; its bits are measured all the same", "“{formula}”的单位与各列的单位不相符，搜索时会被排除；它的比特数照常计算"),
    ("warn_dropped_row", "dropped {count} row whose target is missing", "丢弃了 {count} 行目标值缺失的数据"),
    ("warn_dropped_rows", "dropped {count} rows whose target is missing", "丢弃了 {count} 行目标值缺失的数据"),
    // Why a file cannot be read, or a table cannot be prepared or searched.
    ("load_empty", "the file is empty", "文件是空的"),
    ("load_header_only_one", "the file has a header ({count} column) but no data rows", "文件有表头（{count} 列），但没有数据行"),
    ("load_header_only", "the file has a header ({count} columns) but no data rows", "文件有表头（{count} 列），但没有数据行"),
    ("load_utf8", "the text is not valid UTF-8; save the file as UTF-8 (in Excel: 'CSV UTF-8')", "文本不是有效的 UTF-8；请把文件另存为 UTF-8（在 Excel 中选“CSV UTF-8”）"),
    ("load_ragged_one", "found {count} field, the header has {expected}", "这一行有 {count} 个字段，表头有 {expected} 个"),
    ("load_ragged", "found {count} fields, the header has {expected}", "这一行有 {count} 个字段，表头有 {expected} 个"),
    ("load_quote", "a quoted field starts here and is never closed (a '\"' is missing)", "这里开始的带引号字段没有闭合（缺少一个 '\"'）"),
    ("load_too_large", "the file is {mb} MB, more than the {limit} MB this tab can hold as a table; use the command-line tool `occam` for files this large", "文件有 {mb} MB，超过了这个标签页能容纳的 {limit} MB；这么大的文件请用命令行工具 `occam`"),
    ("load_too_many_cells", "the table has {cells} cells, more than the {limit} this tab can hold; use the command-line tool `occam` for tables this large", "表格有 {cells} 个单元格，超过了这个标签页能容纳的 {limit} 个；这么大的表格请用命令行工具 `occam`"),
    ("load_csv", "cannot read the CSV: {message}", "无法读取这个 CSV：{message}"),
    ("fit_no_features", "no feature columns are selected: a model needs at least one", "没有选中任何特征列：模型至少需要一个"),
    ("fit_no_rows", "there are no training rows", "没有训练行"),
    ("fit_more_features_than_rows", "{rows} training rows for {features} features: a model needs more rows than features (select fewer features, or add rows)", "{rows} 行训练数据对应 {features} 个特征：模型需要的行数要多于特征数（请少选一些特征，或者增加数据行）"),
    ("fit_too_few_rows_one", "{count} training row is too few: training with this validation share needs at least {needed}", "只有 {count} 行训练数据，太少了：按这个验证比例训练至少需要 {needed} 行"),
    ("fit_too_few_rows", "{count} training rows is too few: training with this validation share needs at least {needed}", "只有 {count} 行训练数据，太少了：按这个验证比例训练至少需要 {needed} 行"),
    ("fit_one_class", "every training row has class '{class}': a classifier needs at least two classes to tell apart", "每一行训练数据的类别都是“{class}”：分类器至少需要两个类别来区分"),
    ("fit_not_finite", "training diverged at epoch {epoch}: the loss is no longer a finite number; try a smaller learning rate", "训练在第 {epoch} 轮发散：损失不再是有限的数；请试试更小的学习率"),
    ("fit_cancelled", "training was cancelled", "训练已取消"),
    ("page_worker_start", "cannot start the compute worker: {why}; reload the page, or open it in a current browser", "无法启动计算线程：{why}；请重新加载页面，或者换用较新的浏览器打开"),
    ("page_worker_starting", "starting the compute worker", "正在启动计算线程"),
    ("page_worker_failed", "the compute worker failed: {why}; press Find the law again, or reload the page", "计算线程出错：{why}；请再按一次“寻找规律”，或者重新加载页面"),
    ("page_unknown_error", "unknown error", "未知错误"),
    ("page_worker_send", "cannot send a message to the worker: {why}; reload the page", "无法向计算线程发送消息：{why}；请重新加载页面"),
    ("page_worker_restart", "cannot restart the compute worker: {why}; reload the page", "无法重新启动计算线程：{why}；请重新加载页面"),
    ("page_worker_unreadable", "the worker sent an unreadable message; reload the page", "计算线程发来的消息无法读取；请重新加载页面"),
    ("page_no_clipboard", "this browser does not let the page write to the clipboard: copy the address from the address bar instead", "这个浏览器不允许网页写入剪贴板：请直接从地址栏复制网址"),
    ("prep_unknown_column", "there is no column '{column}' (the columns are: {available})", "没有名为“{column}”的列（现有的列：{available}）"),
    ("prep_constant_target", "column '{column}' has the same value in every row: there is nothing to explain", "列“{column}”每一行的值都相同：没有什么可解释的"),
    ("prep_target_missing", "column '{column}' has no values: every cell is missing", "列“{column}”没有数值：每个单元格都缺失"),
    ("prep_too_few_rows_one", "the table has {count} row with a target value; at least 2 are needed to fit and test", "表格只有 {count} 行有目标值；拟合和检验至少需要 2 行"),
    ("prep_too_few_rows", "the table has {count} rows with a target value; at least 2 are needed to fit and test", "表格只有 {count} 行有目标值；拟合和检验至少需要 2 行"),
    ("prep_regression_on_text", "column '{column}' holds text, so it can only be a classification target", "列“{column}”是文本，只能作为分类的目标"),
    ("prep_too_many_classes", "column '{column}' has {classes} distinct values, too many to be classes; if it is a number, check its cells for text", "列“{column}”有 {classes} 个不同的值，作为类别太多了；如果它是数字，请检查单元格里有没有文字"),
    ("prep_target_as_feature", "column '{column}' is the target, so it cannot also be a feature", "列“{column}”是目标，不能同时作为特征"),
    ("prep_no_features", "no column is left to explain '{target}' with (the others are constant or ids)", "没有剩下可以用来解释“{target}”的列（其他列都是常数或编号）"),
    ("prep_nothing_to_explain", "every column is constant: there is nothing to explain", "每一列都是常数：没有什么可解释的"),
    ("prep_split_not_numeric", "the extrapolation split needs a numeric column, and '{column}' is not numeric", "外推划分需要一个数值列，而“{column}”不是数值列"),
    ("prep_bad_test_fraction", "the test share must be at least 0 and below 1, not {fraction}", "测试比例必须不小于 0 且小于 1，而不是 {fraction}"),
    ("search_not_regression", "formula search needs a numeric target, and '{target}' holds classes: to predict them, train the networks (\"Train and compress networks\" on the page, `occam compress` on the command line); if they are numbers, choose numbers (regression) as the task (--task regression)", "公式搜索需要数值型的目标，而“{target}”是类别：要预测它们，请训练神经网络（页面上的“训练并压缩神经网络”，命令行的 `occam compress`）；如果它们是数字，请把任务选为“数值（回归）”（--task regression）"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_one_home() {
        for (i, (key, _, _)) in TEXTS.iter().enumerate() {
            assert!(TEXTS[i + 1..].iter().all(|(k, _, _)| k != key), "'{key}' is in TEXTS twice");
        }
    }

    #[test]
    fn every_text_index_html_marks_has_words_in_both_languages() {
        let html = include_str!("../index.html");
        let mut marked = 0;
        for marker in ["data-i18n=\"", "data-i18n-title=\"", "data-i18n-aria=\""] {
            for part in html.split(marker).skip(1) {
                let key = &part[..part.find('"').unwrap()];
                assert!(
                    text(Lang::Zh, key).is_some() && text(Lang::En, key).is_some(),
                    "index.html marks '{key}', which has no words"
                );
                marked += 1;
            }
        }
        assert!(marked > 30, "{marked}");
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(fill("'{name}' ({number})", &[("name", "{number}"), ("number", "2")]), "'{number}' (2)");
        assert_eq!(fill("{a} {missing} {", &[("a", "1")]), "1 {missing} {");
    }

    #[test]
    fn a_message_keeps_its_values_in_either_language() {
        let m = Message::counted("warn_blank_row", "warn_blank_rows", 3, &[]);
        assert_eq!(m.to_string(), "skipped 3 rows with no values");
        assert_eq!(m.render(Lang::Zh), "跳过了 3 个没有数值的行");
    }
}

// Node captions on at most a few lines, broken only between words: a Chinese firm name between
// its region, its trade name and industry, and its legal form (澜城市 / 骏圆金属制品 / 有限公司),
// a branch after its parent's name, a Latin name at spaces. Nothing is cut or elided: the whole
// name is drawn, so no two firms that differ only at the end look alike.

const FORMS = [
  "股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "合伙企业（有限合伙）",
  "合伙企业(有限合伙)", "（有限合伙）", "(有限合伙)", "合伙企业", "个人独资企业", "专业合作社",
  "合作社", "事务所", "分公司", "分店", "分厂", "经营部", "门市部", "商行", "工作室", "中心",
];
const REGION_END = /^(.{2,8}?(?:自治区|自治州|特别行政区|省|市|盟|州|地区|区|县|旗))/u;
const BRANCH = /^(.+?(?:有限公司|有限责任公司|股份有限公司|集团))(.+(?:分公司|分店|分厂|营业部|办事处))$/u;
const MAX_CJK = 9; // characters per line before a line is worth breaking
const MAX_LATIN = 20;

function cjkSegments(name) {
  let rest = name;
  const parts = [];
  const region = REGION_END.exec(rest);
  if (region && region[1].length < rest.length - 2) {
    parts.push(region[1]);
    rest = rest.slice(region[1].length);
  }
  const form = FORMS.find((f) => rest.endsWith(f) && rest.length > f.length);
  if (form) parts.push(rest.slice(0, -form.length), form);
  else parts.push(rest);
  return parts;
}

/** Join segments into lines of about `max` characters, never splitting a segment. */
function fill(segments, max, joiner) {
  const lines = [];
  for (const segment of segments) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + joiner.length + segment.length <= max) {
      lines[last] += joiner + segment;
    } else {
      lines.push(segment);
    }
  }
  return lines;
}

/** The caption of a subject, with "\n" between lines. */
export function wrapName(name) {
  const text = String(name ?? "").trim();
  if (!text) return "";
  if (/\s/.test(text) && !/[\u3400-\u9fff]/u.test(text)) {
    return fill(text.split(/\s+/), MAX_LATIN, " ").join("\n");
  }
  if (text.length <= MAX_CJK) return text;
  const branch = BRANCH.exec(text); // the branch on a line of its own, under its parent
  if (branch) return `${wrapName(branch[1])}\n${branch[2]}`;
  return fill(cjkSegments(text), MAX_CJK, "").join("\n");
}

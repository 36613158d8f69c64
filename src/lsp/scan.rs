//! A tolerant reading of a policy's structure for the editor: blocks, keys and values with their
//! byte ranges, from text that is often half typed (`features = [intercom.` does not parse).
//! The parser (`crate::syntax`) stays the judge of what is valid; this only says where things
//! are, so hover, completion and navigation work while the file has errors.

/// A token: a word (identifier or dotted path, `.*` included), a string, a number or one
/// punctuation byte. Comments and whitespace are skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Str,
    Num,
    Punct(u8),
}

#[derive(Debug, Clone, Copy)]
pub struct Token {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
}

/// What a token is in the structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The kind word of a block head (`purpose`), for `blocks[i]`.
    Kind(usize),
    /// The name in a block head (`support`), for `blocks[i]`.
    Name(usize),
    /// The key of `assigns[i]`.
    Key(usize),
    /// Part of the value of `assigns[i]`.
    Value(usize),
    Other,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: String,
    pub kind_span: (usize, usize),
    pub name: Option<(String, (usize, usize))>,
    /// `(key = value)` options of the head, as written (strings unquoted).
    pub options: Vec<(String, String)>,
    pub parent: Option<usize>,
    /// From the kind word to just after the closing `}` (the text's end when it is missing).
    pub span: (usize, usize),
}

#[derive(Debug, Clone)]
pub struct Assign {
    /// `None` at the top level.
    pub block: Option<usize>,
    pub key: String,
    pub key_span: (usize, usize),
    /// Tokens of the value, in order.
    pub value: Vec<usize>,
}

/// Where the end of the scanned text stands: what a word typed there would be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// A key or a nested block's kind, in the innermost open block (`None`: the top level).
    Key(Option<usize>),
    /// The name after a block's kind word (`cmp |`).
    Name { block: Option<usize>, kind: String },
    /// Inside a block head's `( ... )`.
    Option { block: Option<usize>, kind: String },
    /// The value of `assigns[i]`, inside a list when `in_list`.
    Value { assign: usize, in_list: bool },
}

#[derive(Debug, Default)]
pub struct Scan {
    pub tokens: Vec<Token>,
    pub roles: Vec<Role>,
    pub blocks: Vec<Block>,
    pub assigns: Vec<Assign>,
    pub slot: Option<Slot>,
}

impl Scan {
    pub fn text<'t>(&self, text: &'t str, token: usize) -> &'t str {
        let t = self.tokens[token];
        &text[t.start..t.end]
    }

    /// The token covering `offset` (a token that ends at `offset` counts: the cursor is often
    /// just after a word).
    pub fn token_at(&self, offset: usize) -> Option<usize> {
        let i = self.tokens.partition_point(|t| t.end < offset);
        (i < self.tokens.len() && self.tokens[i].start <= offset).then_some(i)
    }

    /// The policy a block belongs to: its own name for a `policy`, the enclosing policy's, or
    /// for a top-level `text LANG(policy = NAME)`, the one named.
    pub fn policy_of(&self, block: usize) -> Option<&str> {
        let mut at = Some(block);
        while let Some(i) = at {
            let b = &self.blocks[i];
            if b.kind == "policy" {
                return b.name.as_ref().map(|(n, _)| n.as_str());
            }
            if b.parent.is_none() {
                return b.options.iter().find(|(k, _)| k == "policy").map(|(_, v)| v.as_str());
            }
            at = b.parent;
        }
        None
    }

    /// The kinds of the blocks from the top level down to `block`.
    pub fn path(&self, block: Option<usize>) -> Vec<&str> {
        let mut kinds = Vec::new();
        let mut at = block;
        while let Some(i) = at {
            kinds.push(self.blocks[i].kind.as_str());
            at = self.blocks[i].parent;
        }
        kinds.reverse();
        kinds
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Split `text` into tokens, skipping comments and whitespace. Never fails: anything unknown is
/// one punctuation token per character.
pub fn tokens(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        if b.is_ascii_whitespace() {
            i += 1;
        } else if bytes[i..].starts_with(b"//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
        } else if bytes[i..].starts_with(b"/*") {
            i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
        } else if b == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(bytes.len());
            out.push(Token {
                kind: Kind::Str,
                start,
                end: i,
            });
        } else if b.is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            out.push(Token {
                kind: Kind::Num,
                start,
                end: i,
            });
        } else if is_word_byte(b) {
            // A path: words joined by `.`, perhaps ending in `.*` or, while typed, in `.`.
            loop {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                if i < bytes.len() && bytes[i] == b'.' {
                    i += 1;
                    if i < bytes.len() && bytes[i] == b'*' {
                        i += 1;
                        break;
                    }
                    if i < bytes.len() && is_word_byte(bytes[i]) {
                        continue;
                    }
                }
                break;
            }
            out.push(Token {
                kind: Kind::Word,
                start,
                end: i,
            });
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
            out.push(Token {
                kind: Kind::Punct(b),
                start,
                end: i,
            });
        }
    }
    out
}

enum State {
    Start,
    First(usize),
    Head {
        first: usize,
        name: Option<usize>,
        opts: Vec<(String, String)>,
    },
    Options {
        first: usize,
        name: Option<usize>,
        depth: u32,
        opts: Vec<(String, String)>,
        pending: Option<String>,
    },
    Value {
        assign: usize,
        depth: u32,
        complete: bool,
        after_number: bool,
    },
}

/// Read the structure of `text`.
pub fn scan(text: &str) -> Scan {
    let mut s = Scan {
        tokens: tokens(text),
        ..Scan::default()
    };
    s.roles = vec![Role::Other; s.tokens.len()];
    let mut open: Vec<usize> = Vec::new();
    let mut state = State::Start;
    let mut i = 0;
    while i < s.tokens.len() {
        let tok = s.tokens[i];
        let word = &text[tok.start..tok.end];
        let top = open.last().copied();
        // `None` moves to the next token; `Some(state)` re-reads this token in that state.
        let mut next = None;
        state = match state {
            State::Start => match tok.kind {
                Kind::Word => State::First(i),
                Kind::Punct(b'}') => {
                    close(&mut s, &mut open, tok.end);
                    State::Start
                }
                _ => State::Start,
            },
            State::First(first) => match tok.kind {
                Kind::Punct(b'=') => {
                    let t = s.tokens[first];
                    s.assigns.push(Assign {
                        block: top,
                        key: text[t.start..t.end].to_owned(),
                        key_span: (t.start, t.end),
                        value: Vec::new(),
                    });
                    s.roles[first] = Role::Key(s.assigns.len() - 1);
                    State::Value {
                        assign: s.assigns.len() - 1,
                        depth: 0,
                        complete: false,
                        after_number: false,
                    }
                }
                // A word on a later line starts a new item: `cmp` left half typed above.
                Kind::Word if text[s.tokens[first].end..tok.start].contains('\n') => State::First(i),
                Kind::Word => State::Head {
                    first,
                    name: Some(i),
                    opts: Vec::new(),
                },
                Kind::Punct(b'(') => State::Options {
                    first,
                    name: None,
                    depth: 1,
                    opts: Vec::new(),
                    pending: None,
                },
                Kind::Punct(b'{') => {
                    open_block(&mut s, &mut open, text, first, None, Vec::new());
                    State::Start
                }
                _ => {
                    next = Some(State::Start);
                    State::Start
                }
            },
            State::Head { first, name, opts } => match tok.kind {
                Kind::Punct(b'(') => State::Options {
                    first,
                    name,
                    depth: 1,
                    opts,
                    pending: None,
                },
                Kind::Punct(b'{') => {
                    open_block(&mut s, &mut open, text, first, name, opts);
                    State::Start
                }
                _ => {
                    next = Some(State::Start);
                    State::Start
                }
            },
            State::Options {
                first,
                name,
                depth,
                mut opts,
                pending,
            } => match tok.kind {
                Kind::Punct(b'(') => State::Options {
                    first,
                    name,
                    depth: depth + 1,
                    opts,
                    pending: None,
                },
                Kind::Punct(b')') if depth == 1 => State::Head { first, name, opts },
                Kind::Punct(b')') => State::Options {
                    first,
                    name,
                    depth: depth - 1,
                    opts,
                    pending: None,
                },
                Kind::Punct(b'{') => {
                    open_block(&mut s, &mut open, text, first, name, opts);
                    State::Start
                }
                Kind::Punct(b'}') => {
                    next = Some(State::Start);
                    State::Start
                }
                Kind::Punct(b'=') => State::Options {
                    first,
                    name,
                    depth,
                    opts,
                    pending,
                },
                Kind::Word | Kind::Str | Kind::Num => {
                    let prev = i.checked_sub(1).map(|p| s.tokens[p].kind);
                    match (pending, prev) {
                        (Some(key), Some(Kind::Punct(b'='))) => {
                            opts.push((key, word.trim_matches('"').to_owned()));
                            State::Options {
                                first,
                                name,
                                depth,
                                opts,
                                pending: None,
                            }
                        }
                        _ => State::Options {
                            first,
                            name,
                            depth,
                            opts,
                            pending: Some(word.to_owned()),
                        },
                    }
                }
                _ => State::Options {
                    first,
                    name,
                    depth,
                    opts,
                    pending: None,
                },
            },
            State::Value {
                assign,
                depth,
                complete,
                after_number,
            } => {
                let unit = after_number && depth == 0 && tok.kind == Kind::Word;
                let except = complete && depth == 0 && word == "except";
                if complete && depth == 0 && !unit && !except {
                    next = Some(State::Start);
                    State::Start
                } else {
                    match tok.kind {
                        Kind::Punct(b'{') | Kind::Punct(b'}') | Kind::Punct(b'=') | Kind::Punct(b';') => {
                            next = Some(State::Start);
                            State::Start
                        }
                        _ => {
                            s.roles[i] = Role::Value(assign);
                            s.assigns[assign].value.push(i);
                            let (depth, complete) = match tok.kind {
                                Kind::Punct(b'[') => (depth + 1, false),
                                Kind::Punct(b']') => (depth.saturating_sub(1), depth <= 1),
                                _ if except => (depth, false),
                                _ => (depth, depth == 0),
                            };
                            State::Value {
                                assign,
                                depth,
                                complete,
                                after_number: tok.kind == Kind::Num,
                            }
                        }
                    }
                }
            }
        };
        if let Some(again) = next {
            state = again;
            // Re-read the same token from the start state (never loops: Start consumes).
            match tok.kind {
                Kind::Word => state = State::First(i),
                Kind::Punct(b'}') => close(&mut s, &mut open, tok.end),
                _ => {}
            }
        }
        i += 1;
    }
    let top = open.last().copied();
    s.slot = Some(match state {
        State::Start => Slot::Key(top),
        State::First(first) => Slot::Name {
            block: top,
            kind: s.text(text, first).to_owned(),
        },
        State::Head { first, .. } => Slot::Name {
            block: top,
            kind: s.text(text, first).to_owned(),
        },
        State::Options { first, .. } => Slot::Option {
            block: top,
            kind: s.text(text, first).to_owned(),
        },
        State::Value {
            assign,
            depth,
            complete,
            ..
        } if !(complete && depth == 0) => Slot::Value {
            assign,
            in_list: depth > 0,
        },
        State::Value { .. } => Slot::Key(top),
    });
    for b in open.into_iter().rev() {
        s.blocks[b].span.1 = text.len();
    }
    s
}

fn open_block(
    s: &mut Scan,
    open: &mut Vec<usize>,
    text: &str,
    first: usize,
    name: Option<usize>,
    options: Vec<(String, String)>,
) {
    let kind = s.tokens[first];
    let index = s.blocks.len();
    s.roles[first] = Role::Kind(index);
    let name = name.map(|n| {
        s.roles[n] = Role::Name(index);
        let t = s.tokens[n];
        (text[t.start..t.end].to_owned(), (t.start, t.end))
    });
    s.blocks.push(Block {
        kind: text[kind.start..kind.end].to_owned(),
        kind_span: (kind.start, kind.end),
        name,
        options,
        parent: open.last().copied(),
        span: (kind.start, text.len()),
    });
    open.push(index);
}

fn close(s: &mut Scan, open: &mut Vec<usize>, end: usize) {
    if let Some(b) = open.pop() {
        s.blocks[b].span.1 = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keys_and_values() {
        let text = "policy shop { title = \"A\"\n purpose support { features = [intercom.messenger] except [intercom.fin]\n basis = consent }\n cmp klaro { support = \"x\" }\n retention { users = 3 months } }\ntext de(policy = shop) { }";
        let s = scan(text);
        let kinds: Vec<&str> = s.blocks.iter().map(|b| b.kind.as_str()).collect();
        assert_eq!(kinds, ["policy", "purpose", "cmp", "retention", "text"]);
        assert_eq!(s.blocks[1].parent, Some(0));
        assert_eq!(s.policy_of(4), Some("shop"));
        assert_eq!(s.policy_of(2), Some("shop"));
        let keys: Vec<&str> = s.assigns.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["title", "features", "basis", "support", "users"]);
        assert_eq!(s.assigns[1].value.len(), 7);
        assert_eq!(s.assigns[4].value.len(), 2);
        assert_eq!(s.blocks[0].span, (0, text.find("\ntext").unwrap()));
    }

    #[test]
    fn slots_while_typing() {
        let slot = |text: &str| scan(text).slot.unwrap();
        assert_eq!(
            slot("policy a { purpose b { features = [intercom."),
            Slot::Value {
                assign: 0,
                in_list: true
            }
        );
        assert_eq!(
            slot("policy a { purpose b { basis = "),
            Slot::Value {
                assign: 0,
                in_list: false
            }
        );
        assert_eq!(slot("policy a { purpose b { basis = consent\n "), Slot::Key(Some(1)));
        assert_eq!(
            slot("policy a { cmp "),
            Slot::Name {
                block: Some(0),
                kind: "cmp".into()
            }
        );
    }
}

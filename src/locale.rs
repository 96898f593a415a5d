//! The language of what informe says to people: Spanish for analysts when the locale asks for it
//! (`LANG=es_MX.UTF-8`), English otherwise. Data files keep machine codes either way; a
//! message meant for analysts is written in both languages ([`Said`]) so that the page and the
//! workbook can show it in Spanish whatever the terminal's locale.

/// A language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// The language of the process's locale: the first set of `LC_ALL`, `LC_MESSAGES` and
    /// `LANG` (POSIX's order) decides; Spanish when it names Spanish (`es`, `es_MX.UTF-8`…).
    pub fn from_env() -> Lang {
        let var = |name: &str| std::env::var(name).ok();
        Lang::from_locale_vars(var("LC_ALL"), var("LC_MESSAGES"), var("LANG"))
    }

    /// [`Lang::from_env`] on given values (an empty value counts as unset, as in POSIX).
    pub fn from_locale_vars(
        lc_all: Option<String>,
        lc_messages: Option<String>,
        lang: Option<String>,
    ) -> Lang {
        let chosen = [lc_all, lc_messages, lang]
            .into_iter()
            .flatten()
            .find(|v| !v.is_empty());
        match chosen {
            Some(v) if v == "es" || v.starts_with("es_") || v.starts_with("es.") => Lang::Es,
            _ => Lang::En,
        }
    }

    /// `en` or `es`, whichever is this language.
    pub fn pick<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// A message in both languages: English for the data files and logs, Spanish for analysts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    pub en: String,
    pub es: String,
}

impl Said {
    pub fn new(en: impl Into<String>, es: impl Into<String>) -> Said {
        Said {
            en: en.into(),
            es: es.into(),
        }
    }

    /// The message in `lang`.
    pub fn in_lang(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.es)
    }
}

/// What went wrong with a file operation, in Spanish. (The operating system's own text, which
/// Rust gives in English, is kept for the kinds not named here.)
pub fn io_error_es(e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    let what = match e.kind() {
        K::NotFound => "no existe",
        K::PermissionDenied => "permiso denegado",
        K::AlreadyExists => "ya existe",
        K::IsADirectory => "es una carpeta",
        K::NotADirectory => "no es una carpeta",
        K::StorageFull => "el disco está lleno",
        K::ReadOnlyFilesystem => "el sistema de archivos es de solo lectura",
        K::InvalidData => "datos no válidos",
        K::UnexpectedEof => "el archivo termina antes de tiempo",
        K::Interrupted => "interrumpido",
        K::TimedOut => "se agotó el tiempo",
        K::OutOfMemory => "memoria insuficiente",
        K::BrokenPipe => "el lector se cerró",
        _ => return format!("error del sistema ({e})"),
    };
    what.to_string()
}

#[cfg(test)]
mod tests {
    use super::Lang;

    fn lang(all: &str, messages: &str, lang: &str) -> Lang {
        let some = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
        Lang::from_locale_vars(some(all), some(messages), some(lang))
    }

    #[test]
    fn spanish_locales_are_spanish_and_the_rest_english() {
        assert_eq!(lang("", "", "es_MX.UTF-8"), Lang::Es);
        assert_eq!(lang("", "", "es"), Lang::Es);
        assert_eq!(lang("", "", "es_ES@euro"), Lang::Es);
        assert_eq!(lang("", "", "en_US.UTF-8"), Lang::En);
        assert_eq!(lang("", "", "C.UTF-8"), Lang::En);
        assert_eq!(lang("", "", "est_EE"), Lang::En, "Estonian is not Spanish");
        assert_eq!(lang("", "", ""), Lang::En);
    }

    #[test]
    fn lc_all_then_lc_messages_then_lang_decide() {
        assert_eq!(lang("C", "", "es_MX.UTF-8"), Lang::En);
        assert_eq!(lang("", "es_MX.UTF-8", "en_US.UTF-8"), Lang::Es);
        assert_eq!(lang("es_MX.UTF-8", "C", "C"), Lang::Es);
    }
}

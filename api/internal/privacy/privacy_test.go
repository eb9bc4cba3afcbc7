package privacy_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aiguillage/aiguillage/api/internal/privacy"
)

func TestScrub(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Nothing personal: unchanged.
		{"empty", "", ""},
		{"carte vitale", "carte vitale perdue", "carte vitale perdue"},
		{"rsa", "rsa", "rsa"},
		{"sms spelling", "jai plus de sous pour le loyer", "jai plus de sous pour le loyer"},
		{"age kept", "j'ai 62 ans et je touche l'aspa", "j'ai 62 ans et je touche l'aspa"},
		{"two small numbers", "3 enfants dont 2 à charge", "3 enfants dont 2 à charge"},
		{"age range kept", "aide pour les 18-25 ans", "aide pour les 18-25 ans"},
		{"day and month kept", "rendez-vous le 12/05", "rendez-vous le 12/05"},
		{"hours kept", "ouvert le samedi de 9h à 12h30", "ouvert le samedi de 9h à 12h30"},
		{"year kept", "taxe d'habitation 2024", "taxe d'habitation 2024"},
		{"school year kept", "bourse 2023-2024", "bourse 2023-2024"},
		{"year 1900", "né en 1955", "né en 1955"},
		{"département kept", "caf du 83", "caf du 83"},
		{"decimal kept", "loyer 4,5 mois de retard", "loyer 4,5 mois de retard"},
		{"à la rue", "je suis à la rue avec mes enfants", "je suis à la rue avec mes enfants"},
		{"dans la rue", "je dors dans la rue depuis hier", "je dors dans la rue depuis hier"},
		{"place en crèche", "trouver une place en crèche", "trouver une place en crèche"},
		{"place de parking", "demande place de parking handicapé", "demande place de parking handicapé"},
		{"chemin common noun", "sur le chemin de l'école", "sur le chemin de l'école"},
		{"allée verb", "je suis allée voir la caf", "je suis allée voir la caf"},
		{"impasse common noun", "je suis dans une impasse", "je suis dans une impasse"},
		{"signe without accent", "je signe le bail demain", "je signe le bail demain"},
		{"m'appelle other subject", "la caf m'appelle tous les jours", "la caf m'appelle tous les jours"},
		{"madame la maire", "écrire à madame la maire", "écrire à madame la maire"},
		{"monsieur le maire", "Monsieur le Maire de Toulon", "Monsieur le Maire de Toulon"},
		{"madame lowercase", "madame veut une aide", "madame veut une aide"},
		{"nom without colon", "changer de nom après mariage", "changer de nom après mariage"},
		{"rue adjective", "Rue barrée devant la mairie", "Rue barrée devant la mairie"},
		{"nom est adjective", "mon nom est mal orthographié sur ma carte", "mon nom est mal orthographié sur ma carte"},
		{"nom de jeune fille", "reprendre mon nom de jeune fille", "reprendre mon nom de jeune fille"},
		{"hébergement", "Je cherche une place d'hébergement d'urgence", "Je cherche une place d'hébergement d'urgence"},
		{"percentage", "taux d'incapacité à 80%", "taux d'incapacité à 80%"},
		{"signé verb", "j'ai signé mon bail", "j'ai signé mon bail"},
		{"cordialement alone", "Merci beaucoup. Cordialement.", "Merci beaucoup. Cordialement."},
		{"letter opening", "Madame, Monsieur, je vous écris", "Madame, Monsieur, je vous écris"},
		{"at without domain", "rdv @ 14h", "rdv @ 14h"},
		{"mention", "@caf_officiel", "@caf_officiel"},

		// Cleaning.
		{"controls and spaces", "  carte\tvitale\r\n\x00perdue \u00a0 ", "carte vitale perdue"},
		{"zero width", "06\u200b12\u200b34\u200b56\u200b78", privacy.Phone},
		{"invalid utf8", "caf\xff\xfe toulon", "caf toulon"},
		{"bom", "\ufeffrsa", "rsa"},

		// E-mail addresses.
		{"email", "mon mail jean.dupont@gmail.com merci", "mon mail [courriel] merci"},
		{"email uppercase", "JEAN.DUPONT@ORANGE.FR", "[courriel]"},
		{"email final dot", "écrivez à marie-claire_85@laposte.net.", "écrivez à [courriel]."},
		{"email with digits", "kevin1985@hotmail.fr", "[courriel]"},
		{"email spaced", "jean.dupont @ gmail.com", "[courriel]"},
		{"email in brackets", "(contact: m.martin@free.fr)", "(contact: [courriel])"},
		{"email accented", "élodie.bérard@exemple.fr", "[courriel]"},
		{"two emails", "a.b@c.fr ou d@e.com", "[courriel] ou [courriel]"},
		{"email plus tag", "jean+caf@gmail.com", "[courriel]"},

		// Phone numbers.
		{"phone spaces", "rappelez moi au 06 12 34 56 78", "rappelez moi au [téléphone]"},
		{"phone dots", "06.12.34.56.78", "[téléphone]"},
		{"phone dashes", "06-12-34-56-78 svp", "[téléphone] svp"},
		{"phone glued", "0612345678", "[téléphone]"},
		{"phone +33", "+33 6 12 34 56 78", "[téléphone]"},
		{"phone +33 glued", "+33612345678", "[téléphone]"},
		{"phone +33 (0)", "+33 (0)6 12 34 56 78", "[téléphone]"},
		{"phone 0033", "0033 6 12 34 56 78", "[téléphone]"},
		{"phone landline", "tel: 04 94 12 34 56", "tel: [téléphone]"},
		{"phone réunion", "0262 12 34 56", "[téléphone]"},
		{"phone belgium", "+32 2 123 45 67", "[téléphone]"},
		{"phone in sentence", "mon numéro c'est le 07 81 22 33 44 merci", "mon numéro c'est le [téléphone] merci"},
		{"phone non-breaking", "06\u00a012\u00a034\u00a056\u00a078", "[téléphone]"},

		// Other numbers.
		{"nir", "mon numéro de sécu 1 85 05 78 006 084 36", "mon numéro de sécu [nombre]"},
		{"nir glued", "185057800608436", "[nombre]"},
		{"iban", "FR76 3000 6000 0112 3456 7890 189", "FR[nombre]"},
		{"card", "carte 4970 1012 3456 7890 bloquée", "carte [nombre] bloquée"},
		{"card dashes", "4970-1012-3456-7890", "[nombre]"},
		{"postal code", "83000 toulon", "[nombre] toulon"},
		{"postal code spaced", "83 000 toulon", "[nombre] toulon"},
		{"date of birth", "né le 12/05/1985", "né le [nombre]"},
		{"date of birth dots", "née le 03.11.1962 à Lille", "née le [nombre] à Lille"},
		{"numéro allocataire", "mon numéro allocataire 1234567", "mon numéro allocataire [nombre]"},
		{"amount", "j'ai reçu 450 euros", "j'ai reçu [nombre] euros"},
		{"amount thousands", "dette de 1 200 €", "dette de [nombre] €"},
		{"three digits", "appeler le 115", "appeler le [nombre]"},
		{"year not alone", "2024 2025 5", "[nombre]"},
		{"year too old", "en 1850", "en [nombre]"},
		{"digits in a word", "dossier AB123456", "dossier AB[nombre]"},
		{"plus not phone", "+123 personnes", "+[nombre] personnes"},
		{"plus year", "000+2000", "[nombre]+2000"},
		{"helpline number", "le 3919 ne répond pas", "le [nombre] ne répond pas"},
		{"cerfa", "CERFA 12345*03", "CERFA [nombre]*03"},
		{"iban glued", "RIB FR7630006000011234567890189", "RIB FR[nombre]"},
		{"arabic-indic digits", "٠٦١٢٣٤٥٦٧٨", "[nombre]"},
		{"fullwidth digits", "ｔｅｌ ０６１２３４５６７８", "ｔｅｌ [nombre]"},

		// Names.
		{"je m'appelle", "je m'appelle Jean Dupont et j'ai besoin d'aide", "je m'appelle [nom] et j'ai besoin d'aide"},
		{"je m’appelle typographic", "Je m’appelle Fatima Benali, je cherche la caf", "Je m’appelle [nom], je cherche la caf"},
		{"je m'appelle lowercase", "je m'appelle jean dupont j'habite a toulon", "je m'appelle [nom] j'habite a toulon"},
		{"je m appelle", "je m appelle kevin", "je m appelle [nom]"},
		{"jmappelle", "jmappelle sarah et jai pas de logement", "jmappelle [nom] et jai pas de logement"},
		{"je mapelle", "bonjour je mapelle Léa", "bonjour je mapelle [nom]"},
		{"capitalised name stops", "je m'appelle Jean Dupont habite toulon", "je m'appelle [nom] habite toulon"},
		{"name stops at lowercase", "je m'appelle Jean cherche un logement", "je m'appelle [nom] cherche un logement"},
		{"three words max", "je m'appelle jean pierre marie dupont", "je m'appelle [nom] dupont"},
		{"hyphenated", "je m'appelle Jean-Pierre Martin", "je m'appelle [nom]"},
		{"particle", "je m'appelle Marie de La Tour", "je m'appelle [nom]"},
		{"elided capital", "je m'appelle Aminata N'Diaye", "je m'appelle [nom]"},
		{"all caps", "JE M'APPELLE JEAN DUPONT J'HABITE TOULON", "JE M'APPELLE [nom] J'HABITE TOULON"},
		{"mon nom est", "mon nom est Durand", "mon nom est [nom]"},
		{"mon nom c'est", "mon nom c'est durand", "mon nom c'est [nom]"},
		{"mon nom c est", "mon nom c est durand", "mon nom c est [nom]"},
		{"mon prénom est", "mon prénom est Lucas", "mon prénom est [nom]"},
		{"mon nom de famille est", "mon nom de famille est Martin", "mon nom de famille est [nom]"},
		{"je suis madame", "je suis madame Durand", "je suis madame [nom]"},
		{"je suis monsieur lowercase", "je suis monsieur martin et je", "je suis monsieur [nom] et je"},
		{"je suis mme", "je suis Mme Leroy", "je suis Mme [nom]"},
		{"je suis m.", "je suis M. Bernard", "je suis M. [nom]"},
		{"je suis m. lowercase", "je suis m. bernard", "je suis m. [nom]"},
		{"nom colon", "Nom : Dupont Prénom : Jean", "Nom : [nom] Prénom : [nom]"},
		{"nom colon glued", "nom:dupont", "nom:[nom]"},
		{"nom et prénom", "nom et prénom: Martin Julie", "nom et prénom: [nom]"},
		{"signé", "merci pour rien. signé Paul Lefèvre", "merci pour rien. signé [nom]"},
		{"signé colon", "Signé : Mme Roux", "Signé : [nom]"},
		{"madame capitalised", "merci à Madame Durand de la CAF", "merci à Madame [nom] de la CAF"},
		{"monsieur", "j'ai vu Monsieur Petit hier", "j'ai vu Monsieur [nom] hier"},
		{"m. title", "rdv avec M. Moreau", "rdv avec M. [nom]"},
		{"docteur", "le Docteur Lambert m'a dit", "le Docteur [nom] m'a dit"},
		{"cordialement", "Merci de votre aide. Cordialement, Jean Dupont", "Merci de votre aide. Cordialement, [nom]"},
		{"cordialement lowercase", "cordialement jean", "cordialement jean"},
		{"famille", "Signé : la famille Martin", "Signé : la famille [nom]"},
		{"nom de famille colon", "nom de famille : Martin", "nom de famille : [nom]"},
		{"name then age", "Je m'appelle Karim j'ai 19 ans", "Je m'appelle [nom] j'ai 19 ans"},

		// Addresses.
		{"rue", "12 rue des Lilas", "[nombre] rue [adresse]"},
		{"rue and city", "j'habite au 12 rue des Lilas à Toulon", "j'habite au [nombre] rue [adresse] à Toulon"},
		{"rue postal code", "12 rue des Lilas 83000 Toulon", "[nombre] rue [adresse] [nombre] Toulon"},
		{"rue lowercase no number", "j'habite rue des lilas", "j'habite rue [adresse]"},
		{"rue de la", "3 rue de la République", "[nombre] rue [adresse]"},
		{"rue du général", "rue du Général de Gaulle", "rue [adresse]"},
		{"bis", "12 bis rue Pasteur", "[nombre] bis rue [adresse]"},
		{"bis glued", "12bis, rue Pasteur", "[nombre]bis, rue [adresse]"},
		{"avenue", "45 avenue Jean Jaurès", "[nombre] avenue [adresse]"},
		{"av.", "45 av. Jean Jaurès", "[nombre] av. [adresse]"},
		{"boulevard", "boulevard Victor Hugo", "boulevard [adresse]"},
		{"bd", "8 bd de Strasbourg", "[nombre] bd [adresse]"},
		{"chemin numbered", "150 chemin des vignes", "[nombre] chemin [adresse]"},
		{"chemin capitalised", "Chemin des Vignes", "Chemin [adresse]"},
		{"impasse", "5 impasse des Roses", "[nombre] impasse [adresse]"},
		{"allée", "2 allée des Tilleuls", "[nombre] allée [adresse]"},
		{"place", "place de l'Église", "place [adresse]"},
		{"place numbered", "1 place de la mairie", "[nombre] place [adresse]"},
		{"street comma", "12, rue de Paris", "[nombre], rue [adresse]"},
		{"street then function word", "rue des Lilas depuis 2019", "rue [adresse] depuis 2019"},
		{"street date name", "rue du 8 mai 1945", "rue du 8 mai 1945"},
		{"street number alone", "logement social 13 rue", "logement social [nombre] rue"},
		{"street glued to number", "0AVA", "0AVA"},
		{"shortest address", "5 bd X", "[nombre] bd [adresse]"},

		// Mixed.
		{"everything", "Bonjour, je m'appelle Sophie Martin, 06 12 34 56 78, sophie.martin@gmail.com, 4 rue Victor Hugo 59000 Lille. J'ai 34 ans, né le 02/03/1990, NIR 2 90 03 59 350 123 45.",
			"Bonjour, je m'appelle [nom], [téléphone], [courriel], [nombre] rue [adresse] [nombre] Lille. J'ai 34 ans, né le [nombre], NIR [nombre]."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := privacy.Scrub(tt.in)
			if got != tt.want {
				t.Errorf("Scrub(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			if again := privacy.Scrub(got); again != got {
				t.Errorf("Scrub not idempotent on %q: %q", got, again)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"short", "loyer impayé", 200, "loyer impayé"},
		{"exact", "loyer", 5, "loyer"},
		{"zero", "loyer", 0, ""},
		{"at a space", "loyer impayé caf", 12, "loyer impayé"},
		{"before the cut word", "loyer impayé caf", 10, "loyer"},
		{"whole placeholder", "appelez le [téléphone]", 15, "appelez le"},
		{"runes not bytes", "éééé ééé", 6, "éééé"},
		{"one long word", "abcdef", 4, "abcd"},
		{"one long word with digits", "ab2024", 5, "ab"},
		{"word after punctuation", "nom:dupont", 7, "nom:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := privacy.Truncate(tt.in, tt.max)
			if got != tt.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if utf8.RuneCountInString(got) > max(tt.max, 0) {
				t.Errorf("Truncate(%q, %d) = %q: too long", tt.in, tt.max, got)
			}
		})
	}
}

// checkScrubbed reports what makes out, the result of Scrub(in), break the
// package's guarantees.
func checkScrubbed(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Scrub(%q) = %q: invalid UTF-8", in, out)
	}
	if again := privacy.Scrub(out); again != out {
		t.Fatalf("Scrub not idempotent:\n  in     %q\n  once   %q\n  twice  %q", in, out, again)
	}
	if len(out) > privacy.MaxGrowth*len(in) {
		t.Fatalf("Scrub(%q) = %q: %d bytes from %d", in, out, len(out), len(in))
	}
	if run, ok := longDigitRun(out); ok {
		t.Fatalf("Scrub(%q) = %q keeps the number %q", in, out, run)
	}
	lower := strings.ToLower(out)
	if again := privacy.Scrub(lower); again != lower {
		t.Fatalf("Scrub not stable on lower case:\n  in     %q\n  lower  %q\n  again  %q", in, lower, again)
	}
	for _, n := range []int{1, 3, 8, 20, 200} {
		cut := privacy.Truncate(lower, n)
		if again := privacy.Scrub(cut); again != cut {
			t.Fatalf("Scrub not stable once truncated:\n  in     %q\n  cut    %q\n  again  %q", in, cut, again)
		}
	}
}

// longDigitRun returns a run of 3 or more ASCII digits that is not a kept
// year (four digits from 1900 to 2099).
func longDigitRun(s string) (string, bool) {
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			i++
			continue
		}
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		run := s[i:j]
		if len(run) >= 3 && !(len(run) == 4 && (run[:2] == "19" || run[:2] == "20")) {
			return run, true
		}
		i = j
	}
	return "", false
}

func FuzzScrub(f *testing.F) {
	for _, s := range []string{
		"je m'appelle Jean Dupont, 06 12 34 56 78, jean@exemple.fr",
		"12 rue des Lilas 83000 Toulon",
		"1 85 05 78 006 084 36",
		"FR76 3000 6000 0112 3456 7890 189",
		"+33 (0)6 12 34 56 78",
		"taxe d'habitation 2024 2023-2024",
		"Nom : Dupont Prénom : Jean signé Paul",
		"je suis M. Bernard, Madame Durand, Cordialement, Léa",
		"a@b@c.fr x @ y.fr",
		"[nombre] rue [adresse] [nom] : x",
		"5 place de la Mairie 12bis, av. Foch",
		"\x00\t\u200b\ufeff\xff",
		"0",
		"0AVA",
		"000+2000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkScrubbed(t, in, privacy.Scrub(in))
	})
}

var benchText = "Bonjour, je m'appelle Sophie Martin et j'habite au 4 rue Victor Hugo 59000 Lille. " +
	"Je n'arrive plus à payer mon loyer depuis 3 mois, la CAF ne répond pas au 32 30. " +
	"Vous pouvez me joindre au 06 12 34 56 78 ou sophie.martin@gmail.com. Cordialement, Sophie Martin"

func BenchmarkScrubComment(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchText)))
	for b.Loop() {
		privacy.Scrub(benchText)
	}
}

func BenchmarkScrubQuery(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		privacy.Scrub("aide pour payer le loyer impayé")
	}
}

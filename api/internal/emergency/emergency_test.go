package emergency

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// loadDetector loads the embedded detector once per test.
func loadDetector(t testing.TB) *Detector {
	t.Helper()
	d, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return d
}

func TestLoad(t *testing.T) {
	d := loadDetector(t)
	cats := d.Categories()
	if len(cats) == 0 {
		t.Fatal("no category")
	}
	for _, c := range cats {
		if c.Label == "" || len(c.Numbers) == 0 {
			t.Errorf("category %s: label %q, numbers %v", c.Slug, c.Label, c.Numbers)
		}
	}
	// The numbers the brief names, in this order, come first.
	want := map[string][]string{
		"violences-conjugales":               {"3919", "17"},
		"violences-sexuelles":                {"17", "0800059595"},
		"enfant-en-danger":                   {"119", "17"},
		"suicide":                            {"3114", "15"},
		"hebergement-urgence":                {"115"},
		"urgence-medicale":                   {"15", "112"},
		"incendie-accident":                  {"18", "112"},
		"danger-agression":                   {"17", "112"},
		"maltraitance-personnes-vulnerables": {"3977"},
		"urgence-sourds":                     {"114"},
	}
	for _, c := range cats {
		w, ok := want[c.Slug]
		if !ok {
			t.Errorf("unexpected category %s", c.Slug)
			continue
		}
		if len(c.Numbers) < len(w) || !slices.Equal(c.Numbers[:len(w)], w) {
			t.Errorf("category %s: numbers %v, want them to start with %v", c.Slug, c.Numbers, w)
		}
		delete(want, c.Slug)
	}
	for slug := range want {
		t.Errorf("category %s missing", slug)
	}
}

func TestCheckNumbers(t *testing.T) {
	d := loadDetector(t)
	if err := d.checkNumbers(map[string]bool{"15": true}); err == nil || !strings.Contains(err.Error(), "is not in helplines.csv") {
		t.Errorf("checkNumbers with an incomplete list = %v, want an error naming the missing number", err)
	}
}

// emergencies are phrasings of residents in danger, each with the category
// that must come first. The first block is every emergency row of the
// development set (eval/dev.tsv); the others were written for these tests,
// with the typos and SMS spellings residents use.
var emergencies = []struct{ text, first string }{
	// eval/dev.tsv, rows flagged 1.
	{"violences conjugales", "violences-conjugales"},
	{"mon conjoint me bat", "violences-conjugales"},
	{"enfant maltraité", "enfant-en-danger"},
	{"idées suicidaires", "suicide"},
	{"je suis à la rue", "hebergement-urgence"},
	{"urgence médicale", "urgence-medicale"},
	{"incendie", "incendie-accident"},
	{"personne âgée maltraitée", "maltraitance-personnes-vulnerables"},
	{"mon ex me harcele et me menace", "violences-conjugales"},
	{"le petit d'à côté se fait battre", "enfant-en-danger"},
	{"je veux en finir", "suicide"},
	{"plus de toit ce soir", "hebergement-urgence"},
	{"quelqu'un s'est évanoui", "urgence-medicale"},
	{"ca brule chez moi", "incendie-accident"},
	// urgence-sourds.
	{"je suis sourde et il y a le feu", "urgence-sourds"},
	{"je ne peux pas parler il va m'entendre", "urgence-sourds"},
	{"comment appeler les secours par sms", "urgence-sourds"},
	{"je suis malentendant et ma femme fait un malaise", "urgence-sourds"},
	{"je suis sourd et je me fais agresser", "urgence-sourds"},
	// incendie-accident.
	{"au feu !", "incendie-accident"},
	{"il y a le feu dans mon immeuble", "incendie-accident"},
	{"ya le feu dans la cuisine", "incendie-accident"},
	{"ça sent le gaz dans l'escalier", "incendie-accident"},
	{"fuite de gaz", "incendie-accident"},
	{"de la fumée sort de chez le voisin", "incendie-accident"},
	{"la voiture a pris feu", "incendie-accident"},
	{"accident de voiture avec des blessés", "incendie-accident"},
	{"un piéton s'est fait renverser", "incendie-accident"},
	{"quelqu'un se noie dans le canal", "incendie-accident"},
	{"l'appartement du dessus est en feu", "incendie-accident"},
	{"incendi dans mon batiment", "incendie-accident"},
	{"mon detecteur de fumee sonne et ca sent le brulé", "incendie-accident"},
	{"sa brule dans la cuisine", "incendie-accident"},
	{"le plafond s'est effondré sur mon fils", "incendie-accident"},
	{"il y a eu une explosion de gaz dans la rue", "incendie-accident"},
	{"feu dans la cuisine", "incendie-accident"},
	{"ma maison brûle", "incendie-accident"},
	{"il y a de la fumée partout", "incendie-accident"},
	{"l'immeuble est en feu", "incendie-accident"},
	{"odeur de gaz très forte", "incendie-accident"},
	{"accident grave sur la route", "incendie-accident"},
	{"une voiture a percuté un vélo", "incendie-accident"},
	{"un enfant est tombé dans la piscine", "incendie-accident"},
	{"le feu a pris dans ma chambre", "incendie-accident"},
	{"la cuisine est en flammes", "incendie-accident"},
	{"ça crame chez le voisin", "incendie-accident"},
	{"il y a une odeur de gaz dans l'immeuble", "incendie-accident"},
	{"j'ai eu un accident, je suis coincé dans la voiture", "incendie-accident"},
	// urgence-medicale.
	{"mon père ne respire plus", "urgence-medicale"},
	{"ma mère fait un malaise", "urgence-medicale"},
	{"il fait une crise cardiaque", "urgence-medicale"},
	{"je crois qu'elle fait un AVC", "urgence-medicale"},
	{"mon ami a fait une overdose", "urgence-medicale"},
	{"elle saigne beaucoup", "urgence-medicale"},
	{"il est inconscient", "urgence-medicale"},
	{"mon bébé s'étouffe", "urgence-medicale"},
	{"j'ai mal à la poitrine et au bras gauche", "urgence-medicale"},
	{"ma femme perd les eaux", "urgence-medicale"},
	{"mon grand-père est tombé et n'arrive pas à se relever", "urgence-medicale"},
	{"il a avalé toute la boite de somnifères", "urgence-medicale"},
	{"elle a perdu connaissance", "urgence-medicale"},
	{"il fait des convulsions", "urgence-medicale"},
	{"besoin d'une ambulance vite", "urgence-medicale"},
	{"mon fils a bu de la javel", "urgence-medicale"},
	{"kelkun sest evanoui dans la rue", "urgence-medicale"},
	{"il respire mal et il est tout bleu", "urgence-medicale"},
	{"mon bb respire plus", "urgence-medicale"},
	{"ma grand mere est tombée elle bouge plus", "urgence-medicale"},
	{"il s'est évanouie dans la cuisine", "urgence-medicale"},
	{"elle fait une hémoragie", "urgence-medicale"},
	{"il faut appeler le samu", "urgence-medicale"},
	{"elle a pris plein de cachets", "urgence-medicale"},
	{"il a fait un arrêt cardiaque", "urgence-medicale"},
	{"mon fils ne se réveille pas", "urgence-medicale"},
	{"ma femme est en train d'accoucher", "urgence-medicale"},
	{"mon père a une douleur dans la poitrine", "urgence-medicale"},
	{"mon bébé a 40 de fièvre et convulse", "urgence-medicale"},
	{"il a du mal à respirer", "urgence-medicale"},
	{"elle s'est coupée et ça saigne beaucoup", "urgence-medicale"},
	{"quelqu'un est tombé dans la rue et ne bouge plus", "urgence-medicale"},
	{"il est tombé de l'échelle et saigne de la tête", "urgence-medicale"},
	{"ma mère est inconsciente", "urgence-medicale"},
	{"il a pris trop de médicaments", "urgence-medicale"},
	{"mon mari fait un malaise il est tout pale", "urgence-medicale"},
	{"ma fille a de la fièvre et ne respire pas bien", "urgence-medicale"},
	{"il ne respire presque plus", "urgence-medicale"},
	{"ma mère a perdu connaissance dans la salle de bain", "urgence-medicale"},
	{"il s'est ouvert la tête, il y a du sang partout", "urgence-medicale"},
	{"appelez les pompiers", "urgence-medicale"},
	// suicide.
	{"j'ai envie de mourir", "suicide"},
	{"jveu mourir", "suicide"},
	{"je vais me suicider", "suicide"},
	{"je pense au suicide tous les jours", "suicide"},
	{"plus envie de vivre", "suicide"},
	{"je veux mettre fin à mes jours", "suicide"},
	{"je vais me foutre en l'air", "suicide"},
	{"je veux me tuer", "suicide"},
	{"jai plus envie de vivre chui fatigué de tout", "suicide"},
	{"j'en ai marre de la vie", "suicide"},
	{"la vie n'a plus de sens", "suicide"},
	{"je vais sauter du pont", "suicide"},
	{"je me scarifie tous les soirs", "suicide"},
	{"je veux disparaitre pour toujours", "suicide"},
	{"envie de me pendre", "suicide"},
	{"jai des idees noires", "suicide"},
	{"mon fils parle de se suicider", "suicide"},
	{"je veux mourrir", "suicide"},
	{"suisidaire", "suicide"},
	{"jveu me tué", "suicide"},
	{"g envie de mourir", "suicide"},
	{"je ne veux plus vivre", "suicide"},
	{"ils seraient mieux sans moi", "suicide"},
	{"j'ai fait une TS l'an dernier et j'ai envie de recommencer", "suicide"},
	{"je veux plus vivre", "suicide"},
	{"jvé me suicidé", "suicide"},
	{"jpp de cette vie je veux mourir", "suicide"},
	{"je pense à me tuer", "suicide"},
	{"j'ai envie d'en finir avec la vie", "suicide"},
	{"mon ami parle de se tuer", "suicide"},
	{"je vais me jeter sous un train", "suicide"},
	{"je suis à bout, je veux en finir", "suicide"},
	{"je veux mourir", "suicide"},
	{"jai envie de me tuer", "suicide"},
	{"j'ai pensé à me suicider cette nuit", "suicide"},
	{"je supporte plus ma vie, je veux que ça s'arrête", "suicide"},
	{"je veux dormir et ne plus me réveiller", "suicide"},
	// enfant-en-danger.
	{"mon voisin frappe ses enfants", "enfant-en-danger"},
	{"ma voisine bat son bébé", "enfant-en-danger"},
	{"un enfant se fait taper tous les jours chez lui", "enfant-en-danger"},
	{"mon beau-père me frappe j'ai 14 ans", "enfant-en-danger"},
	{"mes parents me battent", "enfant-en-danger"},
	{"j'ai peur que mon bb soit secoué par la nounou", "enfant-en-danger"},
	{"mon oncle me touche quand je dors", "enfant-en-danger"},
	{"ma fille de 8 ans a subi des attouchements", "enfant-en-danger"},
	{"il y a un enfant en danger chez la voisine", "enfant-en-danger"},
	{"mon fils de 15 ans a fugué depuis hier", "enfant-en-danger"},
	{"les enfants des voisins sont laissés seuls toute la nuit", "enfant-en-danger"},
	{"un gamin se fait tabasser devant l'école", "enfant-en-danger"},
	{"ma nièce est maltraitée par sa mère", "enfant-en-danger"},
	{"le petit du 3eme est battu par son pere", "enfant-en-danger"},
	{"mon enfant a disparu", "enfant-en-danger"},
	{"ma mere me frappe avec une ceinture", "enfant-en-danger"},
	{"un enfant pleure et crie tous les soirs, les parents le frappent", "enfant-en-danger"},
	{"je crois que mon voisin maltraite son fils", "enfant-en-danger"},
	{"mon fils se fait frapper à l'école tous les jours", "enfant-en-danger"},
	{"maltraitance sur enfant", "enfant-en-danger"},
	{"mon frère me touche la nuit", "enfant-en-danger"},
	{"ma fille de 13 ans a disparu depuis ce matin", "enfant-en-danger"},
	{"un adulte touche mon fils", "enfant-en-danger"},
	{"les voisins laissent leur bébé seul toute la journée", "enfant-en-danger"},
	{"j'entends un enfant hurler et se faire battre", "enfant-en-danger"},
	{"ma copine me dit que son père la frappe", "enfant-en-danger"},
	{"mon petit frere se fait frapper par mon pere", "enfant-en-danger"},
	// violences-sexuelles.
	{"j'ai été violée", "violences-sexuelles"},
	{"je me suis fait violer hier soir", "violences-sexuelles"},
	{"il m'a violé", "violences-sexuelles"},
	{"agression sexuelle dans le métro", "violences-sexuelles"},
	{"un homme m'a fait des attouchements", "violences-sexuelles"},
	{"mon patron me force à coucher avec lui", "violences-sexuelles"},
	{"je crois qu'on m'a drogué au GHB", "violences-sexuelles"},
	{"il me touche les seins sans mon accord", "violences-sexuelles"},
	{"viol", "violences-sexuelles"},
	{"jai ete violer par mon ex", "violences-sexuelles"},
	{"il a abusé de moi pendant que je dormais", "violences-sexuelles"},
	{"mon époux me viole", "violences-sexuelles"},
	{"inceste", "violences-sexuelles"},
	{"un inconnu m'a agressée sexuellement", "violences-sexuelles"},
	{"j'ai été abusée quand j'étais petite", "violences-sexuelles"},
	{"mon ex me force à avoir des rapports", "violences-sexuelles"},
	{"mon compagnon me viole", "violences-sexuelles"},
	{"on m'a violée à une soirée", "violences-sexuelles"},
	{"il m'a forcée", "violences-sexuelles"},
	// violences-conjugales.
	{"mon mari me frappe", "violences-conjugales"},
	{"mon mari me frape tous les soirs", "violences-conjugales"},
	{"mon copain me tape dessus quand il boit", "violences-conjugales"},
	{"jsuis battue par mon conjoint", "violences-conjugales"},
	{"ma femme me cogne", "violences-conjugales"},
	{"il m'a étranglée hier soir, c'est mon mari", "violences-conjugales"},
	{"mon compagnon est violent avec moi", "violences-conjugales"},
	{"violance conjugal", "violences-conjugales"},
	{"mon mari menace de me tuer", "violences-conjugales"},
	{"femme battue besoin d'aide", "violences-conjugales"},
	{"mon concubin m'enferme à la maison", "violences-conjugales"},
	{"j'ai peur de mon mari, il devient violent", "violences-conjugales"},
	{"mon mec ma mis des coups", "violences-conjugales"},
	{"mon ex-mari me suit partout et me menace", "violences-conjugales"},
	{"on veut me marier de force", "violences-conjugales"},
	{"mon mari il ma frapper devant les enfants", "violences-conjugales"},
	{"mon ex m'a giflée et m'a pris mon téléphone", "violences-conjugales"},
	{"ma copine me bat", "violences-conjugales"},
	{"mon conjoint m'insulte et me pousse contre le mur", "violences-conjugales"},
	{"mon mari me tape et je peux pas partir", "violences-conjugales"},
	{"le voisin frappe sa femme tous les soirs", "violences-conjugales"},
	{"mon ex me harcèle depuis des mois", "violences-conjugales"},
	{"aidez moi mon mari va me tuer", "violences-conjugales"},
	{"mon copin me frappe", "violences-conjugales"},
	{"mon mari ma casser le bras", "violences-conjugales"},
	{"mon conjoint m'a menacée avec un couteau", "violences-conjugales"},
	{"je me suis fait tabasser par mon ex", "violences-conjugales"},
	{"mon ex veut me tuer", "violences-conjugales"},
	{"mon papa frappe maman", "violences-conjugales"},
	{"mon père tape ma mère", "violences-conjugales"},
	{"papa bat maman tous les soirs", "violences-conjugales"},
	{"mon beau père bat ma mère", "violences-conjugales"},
	{"mon mari me tabasse devant les petits", "violences-conjugales"},
	{"mon conjoint me menace de mort", "violences-conjugales"},
	{"mon chéri m'a étranglée", "violences-conjugales"},
	{"j'ai des bleus partout mon mari me frappe", "violences-conjugales"},
	// maltraitance-personnes-vulnerables.
	{"ma grand-mère est maltraitée à l'ehpad", "maltraitance-personnes-vulnerables"},
	{"l'aide à domicile frappe ma mère qui a Alzheimer", "maltraitance-personnes-vulnerables"},
	{"mon père handicapé est maltraité par son aide", "maltraitance-personnes-vulnerables"},
	{"abus de faiblesse sur ma mamie", "maltraitance-personnes-vulnerables"},
	{"ma grand-mère est négligée dans son ehpad", "maltraitance-personnes-vulnerables"},
	{"mon voisin âgé se fait racketter par des jeunes", "maltraitance-personnes-vulnerables"},
	{"ma grand-mère se fait maltraiter", "maltraitance-personnes-vulnerables"},
	{"ma mère en ehpad a des bleus partout", "maltraitance-personnes-vulnerables"},
	{"on frappe les résidents à la maison de retraite", "maltraitance-personnes-vulnerables"},
	{"mon oncle handicapé est frappé par son tuteur", "maltraitance-personnes-vulnerables"},
	{"l'aide soignante insulte ma grand-mère", "maltraitance-personnes-vulnerables"},
	{"mon fils prend l'argent de ma mère âgée et la menace", "maltraitance-personnes-vulnerables"},
	// hebergement-urgence.
	{"je dors dehors depuis 3 jours", "hebergement-urgence"},
	{"je n'ai nulle part où dormir ce soir", "hebergement-urgence"},
	{"sans logement ce soir avec mes enfants", "hebergement-urgence"},
	{"je suis SDF", "hebergement-urgence"},
	{"on dort dans la voiture avec mon fils", "hebergement-urgence"},
	{"chui a la rue avec 2 enfants", "hebergement-urgence"},
	{"hebergement d'urgence pour ce soir", "hebergement-urgence"},
	{"expulsé ce matin je sais pas où dormir", "hebergement-urgence"},
	{"jsp ou dormir ce soir", "hebergement-urgence"},
	{"je vis dans ma voiture", "hebergement-urgence"},
	{"sans abri besoin d'aide", "hebergement-urgence"},
	{"il fait -5 et je dors dans la rue", "hebergement-urgence"},
	{"mes parents m'ont mise dehors, je ne sais pas où aller", "hebergement-urgence"},
	{"pas de toit pour moi et mon bébé", "hebergement-urgence"},
	{"numéro du samu social", "hebergement-urgence"},
	{"je dors dans la rue", "hebergement-urgence"},
	{"on est à la rue avec les enfants", "hebergement-urgence"},
	{"je n'ai pas d'endroit où dormir ce soir", "hebergement-urgence"},
	{"il fait froid et je dors dehors avec mon bébé", "hebergement-urgence"},
	{"mon mari m'a mise à la porte ce soir", "hebergement-urgence"},
	{"je dors dans un parc", "hebergement-urgence"},
	{"personne sans domicile dans ma rue", "hebergement-urgence"},
	{"on dort à la gare", "hebergement-urgence"},
	{"je suis à la rue depuis hier", "hebergement-urgence"},
	{"je suis dehors avec mes 3 enfants ce soir", "hebergement-urgence"},
	{"on a été expulsés aujourd'hui on dort où", "hebergement-urgence"},
	{"je n'ai nulle part où aller ce soir", "hebergement-urgence"},
	{"je dors sous un pont", "hebergement-urgence"},
	{"je cherche un hébergement d'urgence", "hebergement-urgence"},
	// danger-agression.
	{"il me frappe", "danger-agression"},
	{"il va me tuer", "danger-agression"},
	{"un homme me suit depuis la gare", "danger-agression"},
	{"quelqu'un essaie de rentrer chez moi", "danger-agression"},
	{"on m'a agressé dans la rue", "danger-agression"},
	{"il a un couteau", "danger-agression"},
	{"je suis enfermée, il a pris mon téléphone", "danger-agression"},
	{"menace de mort", "danger-agression"},
	{"cambriolage en cours", "danger-agression"},
	{"au secours", "danger-agression"},
	{"des coups de feu dans ma rue", "danger-agression"},
	{"je suis en danger", "danger-agression"},
	{"mon voisin me menace avec un couteau", "danger-agression"},
	{"un mec armé dans le hall", "danger-agression"},
	{"il me tape tout le temps", "danger-agression"},
	{"jme fais tabasser", "danger-agression"},
	{"mon frère est violent et me menace", "danger-agression"},
	{"il veut me faire du mal", "danger-agression"},
	{"il ma tabassé", "danger-agression"},
	{"ya un mec ki me suit", "danger-agression"},
	{"au secour", "danger-agression"},
	{"on me menace de mort sur mon telephone", "danger-agression"},
	{"y a des voleurs dans la maison, je les entends", "danger-agression"},
	{"il me bat depuis 5 ans je veux partir", "danger-agression"},
	{"chui en danger mon ex est devant chez moi", "danger-agression"},
	{"il m'empêche de sortir de la maison et me frappe", "danger-agression"},
	{"quelqu'un est entré chez moi", "danger-agression"},
	{"je suis suivie par un homme", "danger-agression"},
	{"on me menace avec une arme", "danger-agression"},
	{"il y a une bagarre devant chez moi", "danger-agression"},
	{"mon voisin me frappe", "danger-agression"},
	{"il m'a poignardé", "danger-agression"},
	{"un homme armé dans la rue", "danger-agression"},
	{"je me fais agresser", "danger-agression"},
	{"ils vont me tuer", "danger-agression"},
	{"on m'a tiré dessus", "danger-agression"},
	{"je suis séquestrée", "danger-agression"},
	{"je me sens en danger chez moi", "danger-agression"},
	{"il m'a frappé et je saigne", "danger-agression"},
	{"je suis séquestré par mon frère", "danger-agression"},
	{"des jeunes me menacent avec un couteau", "danger-agression"},
	{"mon voisin a sorti un fusil", "danger-agression"},
	{"il y a un homme qui essaie d'entrer chez moi", "danger-agression"},
	{"mon fils me frappe", "danger-agression"},
	{"je me suis fait agresser dans le bus", "danger-agression"},
}

func TestDetectEmergencies(t *testing.T) {
	d := loadDetector(t)
	if len(emergencies) < 80 {
		t.Fatalf("only %d emergency phrasings", len(emergencies))
	}
	flagged, devFlagged, devTotal := 0, 0, 0
	for i, tt := range emergencies {
		dev := i < 14
		if dev {
			devTotal++
		}
		got := d.Detect(tt.text)
		if got.Emergency {
			flagged++
			if dev {
				devFlagged++
			}
		}
		switch {
		case !got.Emergency:
			t.Errorf("Detect(%q): no emergency, want %s", tt.text, tt.first)
		case got.Categories[0].Slug != tt.first:
			t.Errorf("Detect(%q): first category %s, want %s (categories %v, matched %q)",
				tt.text, got.Categories[0].Slug, tt.first, slugs(got.Categories), got.Matched)
		}
	}
	t.Logf("recall: %d/%d phrasings flagged, dev set %d/%d", flagged, len(emergencies), devFlagged, devTotal)
}

func slugs(cats []Category) []string {
	var s []string
	for _, c := range cats {
		s = append(s, c.Slug)
	}
	return s
}

// maxFalseRate is the share of ordinary questions that may be flagged.
const maxFalseRate = 0.02

func TestDetectOrdinary(t *testing.T) {
	d := loadDetector(t)
	tests := []struct {
		file string
		min  int // lines expected, so that an emptied file fails
	}{
		{"dev_ordinary.txt", 58},
		{"piaf_questions.txt", 535},
		{"ordinary.txt", 60},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			lines := readLines(t, filepath.Join("testdata", tt.file))
			if len(lines) < tt.min {
				t.Fatalf("%d questions, want at least %d", len(lines), tt.min)
			}
			var fired []string
			for _, q := range lines {
				if r := d.Detect(q); r.Emergency {
					fired = append(fired, q+" → "+strings.Join(slugs(r.Categories), ", ")+" "+strings.Join(r.Matched, " ; "))
				}
			}
			rate := float64(len(fired)) / float64(len(lines))
			t.Logf("%d/%d flagged (%.2f %%)", len(fired), len(lines), 100*rate)
			for _, f := range fired {
				t.Logf("  flagged: %s", f)
			}
			if rate > maxFalseRate {
				t.Errorf("false emergency rate %.2f %% > %.0f %%", 100*rate, 100*maxFalseRate)
			}
		})
	}
}

// readLines returns the lines of a testdata file, without blank lines and
// # comments.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

func TestResult(t *testing.T) {
	d := loadDetector(t)
	tests := []struct {
		text        string
		emergency   bool
		wantNumbers []string
	}{
		{"", false, nil},
		{"   \t\n", false, nil},
		{"carte grise", false, nil},
		{"mon mari me frappe", true, []string{"3919", "17", "114", "112"}},
		{"je dors dehors", true, []string{"115"}},
	}
	for _, tt := range tests {
		got := d.Detect(tt.text)
		if got.Emergency != tt.emergency || got.Emergency != (len(got.Categories) > 0) || len(got.Matched) < len(got.Categories) {
			t.Errorf("Detect(%q) = %+v, want emergency %v and a pattern for each category", tt.text, got, tt.emergency)
		}
		if n := got.Numbers(); !slices.Equal(n, tt.wantNumbers) {
			t.Errorf("Detect(%q).Numbers() = %v, want %v", tt.text, n, tt.wantNumbers)
		}
	}
	// Results do not share the detector's slices.
	r := d.Detect("au feu")
	r.Categories[0].Numbers[0] = "0"
	if again := d.Detect("au feu"); again.Categories[0].Numbers[0] != "18" {
		t.Errorf("a caller changed the detector through a result: %v", again.Categories[0].Numbers)
	}
}

func TestDetectAnyInput(t *testing.T) {
	d := loadDetector(t)
	long := strings.Repeat("mon mari me frappe et menace de me tuer avec un couteau, au feu ! ", 32)[:2000]
	tests := []struct {
		name, text string
		emergency  bool
	}{
		{"2000 characters", long, true},
		{"2000 letters, one word", "suicid" + strings.Repeat("e", 1994), true},
		{"2000 letters, no match", strings.Repeat("ab", 1000), false},
		{"repeated short words", strings.Repeat("me me m ", 250), false},
		{"control characters", "mon\x00 mari\x07 me\x1b frappe\r\n", true},
		{"invalid UTF-8", "je veux \xff\xfe mourir \xc3", true},
		{"only punctuation", strings.Repeat("?!…'’-", 300), false},
		{"other scripts", "Мой муж меня бьёт 😢 زوجي يضربني", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.Detect(tt.text); got.Emergency != tt.emergency {
				t.Errorf("Detect = %v, want %v (matched %q)", got.Emergency, tt.emergency, got.Matched)
			}
		})
	}
}

func TestDetectConcurrent(t *testing.T) {
	d := loadDetector(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				tt := emergencies[(g*50+i)%len(emergencies)]
				if got := d.Detect(tt.text); !got.Emergency || got.Categories[0].Slug != tt.first {
					t.Errorf("concurrent Detect(%q) = %v", tt.text, slugs(got.Categories))
				}
			}
		})
	}
	wg.Wait()
}

func FuzzDetect(f *testing.F) {
	d := loadDetector(f)
	for _, tt := range emergencies[:20] {
		f.Add(tt.text)
	}
	for _, s := range []string{"", "carte grise", "\xff\xfe", "a+b|c & d", "frappppppppppppppe", "me me me me me me"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := d.Detect(s)
		if got.Emergency != (len(got.Categories) > 0) || len(got.Matched) < len(got.Categories) {
			t.Fatalf("Detect(%q) = %+v: inconsistent", s, got)
		}
		again := d.Detect(s)
		if again.Emergency != got.Emergency || !slices.Equal(again.Matched, got.Matched) ||
			!slices.Equal(slugs(again.Categories), slugs(got.Categories)) {
			t.Fatalf("Detect(%q) is not deterministic: %+v then %+v", s, got, again)
		}
		for _, m := range got.Matched {
			if !utf8.ValidString(m) {
				t.Fatalf("Detect(%q): matched pattern %q is not UTF-8", s, m)
			}
		}
	})
}

func BenchmarkDetect(b *testing.B) {
	d := loadDetector(b)
	tests := []struct{ name, text string }{
		{"ordinary-100", "bonjour je voudrais savoir comment faire une demande d'aide au logement auprès de la caf svp merci"},
		{"sms-100", "jai plu de sou pr le loyer mon proprio veu me metre dehor et chui seul avec mé 3 enfan ojd"},
		{"emergency-100", "bonjour, mon mari me frappe depuis des mois et j'ai peur de rentrer à la maison ce soir, aidez-moi"},
		{"long-2000", strings.Repeat("bonjour je voudrais savoir comment faire une demande d'aide au logement, ", 28)[:2000]},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.SetBytes(int64(len(tt.text)))
			for b.Loop() {
				d.Detect(tt.text)
			}
		})
	}
}

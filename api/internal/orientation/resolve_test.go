package orientation

import (
	"reflect"
	"testing"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

func TestApplyOverrideTranslations(t *testing.T) {
	type tr = map[string]domain.ContactPointText
	national := &domain.ContactPoint{ID: "n", Description: "Accueil de la CAF", Translations: tr{"en": {Description: "CAF desk"}, "ar": {Description: "مكتب"}}}
	tests := []struct {
		name     string
		ov       *domain.ContactPoint
		wantDesc string
		want     tr
	}{
		{name: "no local text", ov: &domain.ContactPoint{}, wantDesc: "Accueil de la CAF", want: national.Translations},
		{name: "local description brings its own translations",
			ov:       &domain.ContactPoint{Description: "Accueil sur rendez-vous", Translations: tr{"uk": {Description: "За записом"}}},
			wantDesc: "Accueil sur rendez-vous", want: tr{"uk": {Description: "За записом"}}},
		{name: "local description without translations drops the national ones",
			ov: &domain.ContactPoint{Description: "Accueil sur rendez-vous"}, wantDesc: "Accueil sur rendez-vous", want: nil},
		{name: "translations alone complete the national ones",
			ov:       &domain.ContactPoint{Translations: tr{"en": {Description: "CAF front desk"}, "tr": {Description: "CAF masası"}}},
			wantDesc: "Accueil de la CAF", want: tr{"en": {Description: "CAF front desk"}, "ar": {Description: "مكتب"}, "tr": {Description: "CAF masası"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ApplyOverride(national, tt.ov)
			if got.Description != tt.wantDesc || !reflect.DeepEqual(got.Translations, tt.want) {
				t.Fatalf("got %q %v, want %q %v", got.Description, got.Translations, tt.wantDesc, tt.want)
			}
		})
	}
	if len(national.Translations) != 2 || national.Translations["en"].Description != "CAF desk" {
		t.Fatalf("the national contact point was modified: %v", national.Translations)
	}
}

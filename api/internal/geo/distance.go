package geo

import (
	"math"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// earthRadiusKm is the mean radius of the Earth (IUGG).
const earthRadiusKm = 6371.0088

// DistanceKm returns the great-circle distance in kilometres between two
// points given in decimal degrees (haversine formula).
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	const rad = math.Pi / 180
	dLat := (lat2 - lat1) * rad
	dLon := (lon2 - lon1) * rad
	s := math.Sin(dLat/2)*math.Sin(dLat/2) +
		math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Sqrt(min(s, 1)))
}

// Distance returns the distance in kilometres between the centres of two
// communes, and +Inf when either is nil or has no location, so that sorting
// by distance puts such communes last.
func (ref *Reference) Distance(a, b *domain.Commune) float64 {
	if a == nil || b == nil || !a.HasLocation || !b.HasLocation {
		return math.Inf(1)
	}
	return DistanceKm(a.Latitude, a.Longitude, b.Latitude, b.Longitude)
}

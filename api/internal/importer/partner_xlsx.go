package importer

import (
	"bytes"

	"github.com/xuri/excelize/v2"

	"github.com/aiguillage/aiguillage/api/internal/domain"
)

// xlsxUnzipLimit bounds what a workbook may unpack to (a zip bomb stops
// there); sheets are read in memory, never spilled to temporary files.
const xlsxUnzipLimit = 64 << 20

// ReadPartnerXLSX reads a partner file saved as an Excel workbook (XLSX):
// the first sheet, laid out as the CSV template. Cells are read as they are
// displayed (a number typed in a French Excel reads 43.1242, which is fine).
func ReadPartnerXLSX(data []byte) (*PartnerFile, error) {
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, fileError("Ce fichier n'est pas un classeur XLSX.")
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: xlsxUnzipLimit, UnzipXMLSizeLimit: xlsxUnzipLimit})
	if err != nil {
		return nil, fileError("Ce classeur XLSX n'a pas pu être ouvert : enregistrez-le à nouveau depuis votre tableur, ou au format CSV.")
	}
	defer wb.Close()
	sheets := wb.GetSheetList()
	if len(sheets) == 0 {
		return nil, fileError("Le classeur n'a aucune feuille.")
	}
	rows, err := wb.GetRows(sheets[0])
	if err != nil {
		return nil, fileError("La première feuille du classeur n'a pas pu être lue.", domain.FieldError{Field: "feuille", Message: sheets[0]})
	}
	f, err := ReadPartnerRows(rows)
	if err != nil {
		return nil, err
	}
	f.Encoding = "XLSX"
	return f, nil
}

package org.nightwatch.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import nom.tam.fits.BinaryTable;
import nom.tam.fits.BinaryTableHDU;
import nom.tam.fits.Fits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownVariablesTest {
    @TempDir
    Path dir;

    @Test
    void aCsvCatalogueMatchesWithinTheRadius() throws Exception {
        Path f = dir.resolve("vars.csv");
        // as a spreadsheet writes it: a quoted name with a comma (a split on commas once broke on it), spaces, a blank line
        Files.writeString(f, "# known variables\nname,ra,dec\nRR Lyr,291.36588,42.78436\n\n\"Mira, o Ceti\", 34.83663 , -2.97764\n"
            + "V1,10.0,20.0\n");
        KnownVariables k = KnownVariables.read(f, 2);
        assertEquals(3, k.size());
        assertEquals("Mira, o Ceti", k.match(34.83663, -2.97764));
        assertEquals("V1", k.match(10 + 1.5 / 3600 / Math.cos(Math.toRadians(20)), 20));
        assertNull(k.match(10 + 3.0 / 3600 / Math.cos(Math.toRadians(20)), 20));
        assertEquals("RR Lyr", k.match(291.36588, 42.78436));
    }

    @Test
    void aFitsTableCatalogueIsReadByColumnName() throws Exception {
        Path f = dir.resolve("vars.fits");
        BinaryTable t = new BinaryTable();
        t.addColumn(new String[] {"A", "B"});
        t.addColumn(new double[] {10.0, 200.0});
        t.addColumn(new double[] {20.0, -5.0});
        BinaryTableHDU h = BinaryTableHDU.wrap(t);
        h.setColumnName(0, "NAME", null);
        h.setColumnName(1, "RA", null);
        h.setColumnName(2, "DEC", null);
        try (Fits fits = new Fits()) {
            fits.addHDU(h);
            fits.write(f.toFile());
        }
        KnownVariables k = KnownVariables.read(f, 2);
        assertEquals(2, k.size());
        assertEquals("B", k.match(200.0, -5.0));
    }

    @Test
    void aMalformedCatalogueIsRefusedNamingTheFileLineAndColumn() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "ra,dec\n10,20\n11,twenty\n");
        KnownVariables.CatalogueException e = assertThrows(KnownVariables.CatalogueException.class, () -> KnownVariables.read(bad, 2));
        assertTrue(e.getMessage().contains("bad.csv") && e.getMessage().contains("line 3") && e.getMessage().contains("'dec'"), e.getMessage());

        Path noCols = dir.resolve("nocols.csv");
        Files.writeString(noCols, "alpha,delta\n10,20\n");
        e = assertThrows(KnownVariables.CatalogueException.class, () -> KnownVariables.read(noCols, 2));
        assertTrue(e.getMessage().contains("'ra' and 'dec'"), e.getMessage());

        Path range = dir.resolve("range.csv");
        Files.writeString(range, "ra,dec\n10,95\n");
        e = assertThrows(KnownVariables.CatalogueException.class, () -> KnownVariables.read(range, 2));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("outside"), e.getMessage());

        Path notFits = dir.resolve("junk.fits");
        Files.writeString(notFits, "SIMPLE = this is not FITS");
        e = assertThrows(KnownVariables.CatalogueException.class, () -> KnownVariables.read(notFits, 2));
        assertTrue(e.getMessage().contains("junk.fits"), e.getMessage());

        e = assertThrows(KnownVariables.CatalogueException.class, () -> KnownVariables.read(dir.resolve("missing.csv"), 2));
        assertTrue(e.getMessage().contains("missing.csv") && e.getMessage().contains("not found"), e.getMessage());
    }
}

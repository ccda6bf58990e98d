// The page size of each PDF paper size, in PDF points (portrait), for drawing results.
// Which names are valid is js/render-kinds.js's pdfPaperSizes (a sandbox test checks both agree).
export const PAPER_SIZES = {
  letter: [612, 792],
  legal: [612, 1008],
  tabloid: [792, 1224],
  a0: [2384, 3370],
  a1: [1684, 2384],
  a2: [1191, 1684],
  a3: [842, 1191],
  a4: [595, 842],
  a5: [420, 595],
};

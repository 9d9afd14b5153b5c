-- The board pack's body: the pandoc document cpb assembled from the month's notebooks (board-pack.json,
-- beside this filter: the same pages, tables and charts as the built-in PDF) in place of the document's
-- own text. It runs after Quarto's own filters, so pandoc writes the body as cpb assembled it.
function Pandoc(doc)
  local path = quarto.utils.resolve_path("board-pack.json")
  local file = assert(io.open(path, "r"))
  local text = file:read("a")
  file:close()
  doc.blocks = pandoc.read(text, "json").blocks
  return doc
end

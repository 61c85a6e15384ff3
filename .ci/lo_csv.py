"""The CSV files LibreOffice makes of a workbook, one per sheet (soffice --convert-to csv with
sheet -1), read back by the check scripts."""
import csv
import glob
import os


def read_sheet(csv_dir, name, problems):
    """The rows of sheet name, or [] with a problem said when LibreOffice made no CSV for it."""
    files = [f for f in glob.glob(os.path.join(csv_dir, "*.csv")) if f.endswith("-" + name + ".csv")]
    if not files:
        problems.append(f"LibreOffice made no CSV for sheet {name}: {os.listdir(csv_dir)}")
        return []
    with open(files[0], newline="", encoding="utf-8") as f:
        return list(csv.reader(f))
